import { describe, expect, it } from 'vitest';
import { checkChainGraph, findCycles, formatMs } from './chain-graph.js';
import { ConfigError } from './config-error.js';
import type { BedrockHAConfig } from './config-schema.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PT_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456';

const seed: BedrockHAConfig = {
  chains: {
    'claude-haiku': {
      endpoints: [
        { id: 'pt-east', modelId: PT_ARN },
        { id: 'haiku-west', region: 'us-west-2', modelId: HAIKU },
      ],
    },
  },
};

describe('checkChainGraph', () => {
  it("finds nothing wrong in the AWS sample's chain, and gives its worst case from the defaults", () => {
    const report = checkChainGraph(seed);
    expect(report.findings).toEqual([]);
    expect(report.cycles).toEqual([]);
    // Defaults: 2 attempts of 60 s (20 s to first content) and one backoff of at most 100 ms, per endpoint.
    expect(report.chains).toEqual([
      {
        chain: 'claude-haiku',
        attempts: 4,
        unaryMs: 2 * (2 * 60_000 + 100),
        streamFirstTokenMs: 2 * (2 * 20_000 + 100),
        deadlineMs: undefined,
        reachableEndpoints: 2,
        streamReachableEndpoints: 2,
        endpoints: [
          { endpointId: 'pt-east', attempts: 2, unaryMs: 120_100, streamFirstTokenMs: 40_100 },
          { endpointId: 'haiku-west', attempts: 2, unaryMs: 120_100, streamFirstTokenMs: 40_100 },
        ],
      },
    ]);
  });

  it('adds the capped backoff before every retry and takes each endpoint its own policy', () => {
    const report = checkChainGraph({
      policy: { retry: { maxAttempts: 4, baseDelayMs: 300, maxDelayMs: 1_000 } },
      chains: {
        main: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU, policy: { timeouts: { attemptMs: 5_000 } } },
            { id: 'west', region: 'us-west-2', modelId: HAIKU, policy: { retry: { maxAttempts: 1 } } },
          ],
        },
      },
    });
    // east: 4 x 5 s + backoff caps 300, 600, 1000 (capped); west: one attempt of the default 60 s.
    expect(report.chains[0]).toMatchObject({
      attempts: 5,
      unaryMs: 20_000 + 1_900 + 60_000,
      endpoints: [{ unaryMs: 21_900 }, { unaryMs: 60_000 }],
    });
  });

  it('warns when the worst case passes the deadline, saying how many endpoints fit in it', () => {
    const report = checkChainGraph({
      ...seed,
      chains: {
        'claude-haiku': { ...seed.chains['claude-haiku']!, deadlineMs: 30_000 },
        other: { endpoints: [{ id: 'east', region: 'us-east-1', modelId: HAIKU }] },
      },
      deadlineMs: 300_000,
    });
    expect(report.chains.map((chain) => [chain.chain, chain.reachableEndpoints])).toEqual([
      ['claude-haiku', 1],
      ['other', 1],
    ]);
    expect(report.findings).toEqual([
      {
        kind: 'deadline-exceeded',
        path: 'chains.claude-haiku.deadlineMs',
        message:
          'chain "claude-haiku": the worst case of a request is 240.2 s (4 attempts), past the 30 s deadline: 1 of 2 endpoints can be reached within it',
        fix: 'lower timeouts.attemptMs or retry.maxAttempts so every endpoint gets its turn, or raise the deadline',
      },
      expect.objectContaining({
        kind: 'deadline-exceeded',
        path: 'chains.claude-haiku.deadlineMs',
        message: expect.stringMatching(/first content is 80.2 s .* 1 of 2 endpoints/),
      }),
    ]);
  });

  it('names the top-level deadline when the chain inherits it', () => {
    const report = checkChainGraph({ ...seed, deadlineMs: 150_000 });
    expect(report.findings).toEqual([
      expect.objectContaining({ path: 'deadlineMs', message: expect.stringMatching(/2 of 2 endpoints/) }),
    ]);
  });

  it('reports two ids for the same model in the same region in one chain, but not another account', () => {
    const report = checkChainGraph({
      endpoints: { shared: { region: 'us-east-1', modelId: HAIKU } },
      chains: {
        main: {
          endpoints: [
            'shared',
            { id: 'again', region: 'us-east-1', modelId: HAIKU },
            { id: 'other-account', region: 'us-east-1', modelId: HAIKU, client: { profile: 'second' } },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    });
    expect(report.findings).toEqual([
      {
        kind: 'duplicate-endpoint',
        path: 'chains.main.endpoints.1',
        message: `"again" serves ${HAIKU} in us-east-1 like "shared" before it: when that one throttles or fails, this one will too`,
        fix: 'fall back to another region, model or account, or remove it',
      },
    ]);
  });

  it('reports shared endpoints no chain refers to', () => {
    const report = checkChainGraph({
      ...seed,
      endpoints: { forgotten: { region: 'eu-west-1', modelId: HAIKU } },
    });
    expect(report.findings).toEqual([
      {
        kind: 'unreferenced-endpoint',
        path: 'endpoints.forgotten',
        message: 'is defined but no chain refers to it, so no request can reach it',
        fix: 'add "forgotten" to a chain\'s endpoints, or delete it',
      },
    ]);
  });

  it('throws the ConfigError of an invalid configuration', () => {
    expect(() => checkChainGraph({ chains: {} })).toThrow(ConfigError);
  });
});

describe('findCycles', () => {
  it('finds none in a graph of chains that list endpoints', () => {
    const graph = new Map([
      ['chain:a', ['endpoint:x', 'endpoint:y']],
      ['chain:b', ['endpoint:y']],
    ]);
    expect(findCycles(graph)).toEqual([]);
  });

  it('finds a chain that falls back, through another chain, to itself, and a self-reference', () => {
    const graph = new Map([
      ['chain:a', ['endpoint:x', 'chain:b']],
      ['chain:b', ['chain:c']],
      ['chain:c', ['chain:a', 'endpoint:y']],
      ['chain:d', ['chain:d']],
    ]);
    expect(findCycles(graph)).toEqual([['chain:a', 'chain:b', 'chain:c'], ['chain:d']]);
  });
});

describe('formatMs', () => {
  it('keeps milliseconds under a second and shows seconds with one decimal above', () => {
    expect([formatMs(850), formatMs(30_000), formatMs(240_200)]).toEqual(['850 ms', '30 s', '240.2 s']);
  });
});
