import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { BedrockHAConfig } from './config-schema.js';
import { DEFAULT_POLICY, DEFAULT_RETRY_BUDGET } from './defaults.js';
import { parseConfigText } from './load-config.js';
import { mergePolicies, resolveConfig } from './resolve-config.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const WEST = { region: 'us-west-2', modelId: HAIKU };
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

/** The issues resolveConfig throws for a config. */
function issuesOf(config: unknown, source?: string): readonly ConfigIssue[] {
  try {
    resolveConfig(config, source);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error('expected resolveConfig to throw');
}

function chainOf(config: unknown, name: string) {
  const chain = resolveConfig(config).chains.get(name);
  if (!chain) throw new Error(`no chain ${name}`);
  return chain;
}

describe('resolveConfig', () => {
  it('resolves the seed config to a PT in us-east-1 and on-demand in us-west-2', () => {
    const chain = chainOf(seed, 'claude-haiku');
    expect(chain.endpoints.map(({ id, kind, region, modelId }) => ({ id, kind, region, modelId }))).toEqual([
      { id: 'pt-east', kind: 'provisioned', region: 'us-east-1', modelId: PT_ARN },
      { id: 'haiku-west', kind: 'on-demand', region: 'us-west-2', modelId: HAIKU },
    ]);
    expect(chain).toMatchObject({
      name: 'claude-haiku',
      routing: 'ordered',
      deadlineMs: undefined,
      resume: false,
    });
    expect(chain.endpoints[0]?.policy).toEqual(DEFAULT_POLICY);
  });

  it('fills in the retry budget, content capture and deadline defaults', () => {
    const resolved = resolveConfig(seed);
    expect(resolved.retryBudget).toEqual(DEFAULT_RETRY_BUDGET);
    expect(resolved.captureContent).toBe(false);
    const tuned = resolveConfig({ ...seed, retryBudget: { capacity: 50 }, deadlineMs: 9_000 });
    expect(tuned.retryBudget).toEqual({ ...DEFAULT_RETRY_BUDGET, capacity: 50 });
    expect(tuned.chains.get('claude-haiku')?.deadlineMs).toBe(9_000);
    expect(resolveConfig({ ...seed, retryBudget: false }).retryBudget).toBe(false);
  });

  it('infers an inference profile from its geography prefix', () => {
    const config = {
      chains: { haiku: { endpoints: [{ region: 'us-east-1', modelId: `us.${HAIKU}` }] } },
    };
    expect(chainOf(config, 'haiku').endpoints[0]).toMatchObject({
      id: `us-east-1/us.${HAIKU}`,
      kind: 'inference-profile',
      region: 'us-east-1',
    });
  });

  it('names an endpoint without an id after its region and model', () => {
    const config = { chains: { pt: { endpoints: [{ modelId: PT_ARN }] } } };
    expect(chainOf(config, 'pt').endpoints[0]?.id).toBe('us-east-1/provisioned-model/abc123def456');
  });

  it('rejects a kind that contradicts the model id', () => {
    const provisioned = {
      chains: { haiku: { endpoints: [{ kind: 'provisioned', region: 'us-east-1', modelId: HAIKU }] } },
    };
    expect(issuesOf(provisioned)).toEqual([
      expect.objectContaining({
        path: 'chains.haiku.endpoints.0.kind',
        message: `is "provisioned" but modelId "${HAIKU}" is an on-demand id`,
        fix: expect.stringContaining('provisioned-model ARN'),
      }),
    ]);
    const profile = {
      chains: { haiku: { endpoints: [{ kind: 'on-demand', region: 'us-east-1', modelId: `us.${HAIKU}` }] } },
    };
    expect(issuesOf(profile)).toEqual([
      expect.objectContaining({
        path: 'chains.haiku.endpoints.0.kind',
        fix: 'set kind to "inference-profile" or leave it out',
      }),
    ]);
  });

  it('rejects a region that contradicts the ARN', () => {
    const config = { chains: { pt: { endpoints: [{ region: 'us-west-2', modelId: PT_ARN }] } } };
    expect(issuesOf(config)).toEqual([
      {
        path: 'chains.pt.endpoints.0.region',
        message: 'is us-west-2 but modelId is an ARN in us-east-1',
        fix: 'set region to us-east-1 or leave it out',
      },
    ]);
  });

  it('asks for the region of a model id that names none', () => {
    expect(issuesOf({ chains: { haiku: { endpoints: [{ modelId: HAIKU }] } } })).toEqual([
      expect.objectContaining({
        path: 'chains.haiku.endpoints.0.region',
        fix: 'add region, for example "us-west-2"',
      }),
    ]);
  });

  it('resolves references to shared endpoints, one endpoint for every chain', () => {
    const config = {
      endpoints: { 'pt-east': { modelId: PT_ARN } },
      chains: {
        a: { endpoints: ['pt-east'] },
        b: { endpoints: ['pt-east', { region: 'us-west-2', modelId: HAIKU }] },
      },
    };
    const resolved = resolveConfig(config);
    const first = resolved.chains.get('a')?.endpoints[0];
    expect(first).toMatchObject({ id: 'pt-east', kind: 'provisioned', region: 'us-east-1' });
    expect(resolved.chains.get('b')?.endpoints[0]).toBe(first);
  });

  it('lists the known endpoints when a reference names none of them', () => {
    const config = {
      endpoints: { 'pt-east': { modelId: PT_ARN }, 'haiku-west': { region: 'us-west-2', modelId: HAIKU } },
      chains: { a: { endpoints: ['pt-west'] } },
    };
    expect(issuesOf(config)).toEqual([
      {
        path: 'chains.a.endpoints.0',
        message: 'refers to endpoint "pt-west", which is not defined',
        fix: 'define it under "endpoints" or use one of: pt-east, haiku-west',
      },
    ]);
    expect(issuesOf({ chains: { a: { endpoints: ['pt-west'] } } })[0]?.fix).toBe(
      'define it under "endpoints", or write the endpoint inline',
    );
  });

  it('does not take an inherited property for a shared endpoint', () => {
    const config = {
      endpoints: { 'pt-east': { modelId: PT_ARN } },
      chains: { a: { endpoints: ['constructor'] } },
    };
    expect(issuesOf(config)).toEqual([
      expect.objectContaining({ message: 'refers to endpoint "constructor", which is not defined' }),
    ]);
  });

  it('rejects an id used twice in one chain', () => {
    const config = {
      chains: {
        a: {
          endpoints: [
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
            { id: 'west', region: 'us-east-1', modelId: HAIKU },
          ],
        },
      },
    };
    expect(issuesOf(config)).toEqual([
      {
        path: 'chains.a.endpoints.1',
        message: 'endpoint id "west" appears twice in chain "a"',
        fix: 'give each endpoint of a chain its own id',
      },
    ]);
  });

  it('rejects one id for two different endpoints in two chains', () => {
    const config = {
      chains: {
        a: { endpoints: [{ id: 'west', region: 'us-west-2', modelId: HAIKU }] },
        b: { endpoints: [{ id: 'west', region: 'us-east-1', modelId: HAIKU }] },
      },
    };
    expect(issuesOf(config)).toEqual([
      expect.objectContaining({
        path: 'chains.b.endpoints.0',
        message: 'endpoint id "west" is already used by chains.a.endpoints.0 for a different endpoint',
      }),
    ]);
  });

  it('rejects a reference to a shared endpoint whose id an inline endpoint already took', () => {
    const config = {
      endpoints: { west: { region: 'us-west-2', modelId: HAIKU } },
      chains: {
        a: { endpoints: [{ id: 'west', region: 'eu-west-1', modelId: HAIKU }] },
        b: { endpoints: ['west'] },
      },
    };
    expect(issuesOf(config)).toEqual([
      expect.objectContaining({
        path: 'chains.b.endpoints.0',
        message: 'endpoint id "west" is already used by chains.a.endpoints.0 for a different endpoint',
      }),
    ]);
  });

  it('reports a problem of a shared endpoint once, however many chains refer to it', () => {
    const config = {
      endpoints: { west: { modelId: HAIKU } },
      chains: { a: { endpoints: ['west'] }, b: { endpoints: ['west'] } },
    };
    expect(issuesOf(config)).toEqual([expect.objectContaining({ path: 'endpoints.west.region' })]);
  });

  it('merges policies: endpoint over chain over config over defaults', () => {
    const config = {
      policy: {
        retry: { maxAttempts: 3, baseDelayMs: 50 },
        timeouts: { attemptMs: 30_000 },
        bulkhead: { maxConcurrent: 8, maxQueued: 16 },
      },
      chains: {
        haiku: {
          policy: { retry: { maxAttempts: 4, maxDelayMs: 500 }, breaker: { mode: 'off' as const } },
          endpoints: [
            {
              id: 'west',
              region: 'us-west-2',
              modelId: HAIKU,
              policy: { retry: { maxAttempts: 5 }, timeouts: { idleMs: 5_000 }, bulkhead: false as const },
            },
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
          ],
        },
      },
    };
    const [west, east] = chainOf(config, 'haiku').endpoints;
    expect(west?.policy).toEqual({
      retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 500, provisionedThrottling: 'failover' },
      breaker: { mode: 'off' },
      timeouts: { attemptMs: 30_000, firstTokenMs: DEFAULT_POLICY.timeouts.firstTokenMs, idleMs: 5_000 },
      bulkhead: false,
      dailyQuota: DEFAULT_POLICY.dailyQuota,
    });
    expect(east?.policy.retry.maxAttempts).toBe(4);
    expect(east?.policy.bulkhead).toEqual({ maxConcurrent: 8, maxQueued: 16 });
  });

  it('merges the daily quota window setting by setting', () => {
    const config = {
      policy: { dailyQuota: { resetsAt: '07:30' } },
      chains: {
        haiku: { endpoints: [{ ...WEST, policy: { dailyQuota: { windowMs: 3_000 } } }] },
      },
    };
    const [west] = chainOf(config, 'haiku').endpoints;
    expect(west?.policy.dailyQuota).toEqual({ resetsAt: '07:30', windowMs: 3_000 });
  });

  it('gives an endpoint with a service tier a default id ending in @tier, so one model fits a chain at several tiers', () => {
    const config = {
      chains: {
        haiku: {
          endpoints: [
            { ...WEST, serviceTier: 'flex' as const },
            { ...WEST, serviceTier: 'default' as const },
            WEST,
          ],
        },
      },
    };
    const ids = chainOf(config, 'haiku').endpoints.map((endpoint) => [endpoint.id, endpoint.serviceTier]);
    expect(ids).toEqual([
      [`us-west-2/${WEST.modelId}@flex`, 'flex'],
      [`us-west-2/${WEST.modelId}@default`, 'default'],
      [`us-west-2/${WEST.modelId}`, undefined],
    ]);
  });

  it('rejects a service tier Bedrock does not have, naming the tiers it does', () => {
    const [issue] = issuesOf({ chains: { haiku: { endpoints: [{ ...WEST, serviceTier: 'fast' }] } } });
    expect(issue?.path).toBe('chains.haiku.endpoints.0.serviceTier');
    expect(issue?.message).toBe(`expected one of "priority", "default", "flex", "reserved", got "fast"`);
  });

  it('rejects a daily reset that is not a UTC HH:MM time', () => {
    const [issue] = issuesOf({
      chains: { haiku: { endpoints: [WEST] } },
      policy: { dailyQuota: { resetsAt: '24:00' } },
    });
    expect(issue?.path).toBe('policy.dailyQuota.resetsAt');
    expect(issue?.message).toContain('a UTC time of day as HH:MM');
  });

  it('replaces a breaker whole rather than mixing the settings of two modes', () => {
    const sampling = {
      mode: 'sampling' as const,
      failureRate: 0.5,
      windowMs: 10_000,
      minimumRps: 1,
      halfOpenAfterMs: 1_000,
      maxHalfOpenAfterMs: 8_000,
    };
    expect(mergePolicies([{ breaker: sampling }]).breaker).toEqual(sampling);
    expect(mergePolicies([undefined, {}]).breaker).toEqual(DEFAULT_POLICY.breaker);
  });

  it('reports schema problems with suggestions and the source', () => {
    const config = { chains: { haiku: { endpoints: [{ region: 'us-west-2', modelID: HAIKU }] } } };
    expect(() => resolveConfig(config, 'bedrock-ha.yaml')).toThrow(
      'The bedrock-ha configuration in bedrock-ha.yaml has a problem:\n' +
        '  - chains.haiku.endpoints.0: unknown key "modelID" (did you mean "modelId"?)',
    );
  });

  it('never puts a credential in its message', () => {
    const config = {
      ...seed,
      client: {
        credentials: { accessKeyId: 'AKIACANARY123', secretAccessKey: 42, sessionToken: 'CANARYTOKEN' },
      },
    };
    let message = '';
    try {
      resolveConfig(config);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('client.credentials.secretAccessKey: expected string, got a number');
    expect(message).not.toContain('CANARY');
    expect(message).not.toContain('42');
  });
});

describe('docs/config.md', () => {
  it('shows a daily-quota and service-tier example that resolves, three tiers of one model in a chain', () => {
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Daily quotas and service tiers'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const chain = resolveConfig(parseConfigText(yaml, 'yaml')).chains.get('haiku');
    expect(chain?.endpoints.map((endpoint) => endpoint.id)).toEqual([
      `us-east-1/${HAIKU}@flex`,
      `us-east-1/${HAIKU}@default`,
      `us-west-2/${HAIKU}@priority`,
    ]);
    expect(chain?.endpoints[0]?.policy.dailyQuota).toEqual({ resetsAt: '00:00', windowMs: 86_400_000 });
  });
});
