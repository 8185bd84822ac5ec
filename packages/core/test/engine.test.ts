import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it, vi } from 'vitest';
import { type ClientSpec, ConfigError, defaultClientFactory, UnknownChainError } from '../src/index.js';
import { HAIKU, harness, requestCount, TOKYO_PROMPT, userMessage } from './harness.js';

const { simulator, engine } = harness();
const messages = userMessage(TOKYO_PROMPT);

describe('SDK clients', () => {
  it('creates one client per region on first use and reuses it', async () => {
    const sim = await simulator();
    const specs: ClientSpec[] = [];
    const ha = engine(
      sim,
      {
        chains: {
          a: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] },
          b: {
            endpoints: [
              { id: 'east-again', region: 'us-east-1', modelId: HAIKU },
              { region: 'us-west-2', modelId: HAIKU },
            ],
          },
        },
      },
      {
        clientFactory: (spec) => {
          specs.push(spec);
          return defaultClientFactory(spec);
        },
      },
    );
    expect(specs).toEqual([]);
    await ha.converse('a', { messages });
    await ha.converse('b', { messages });
    await ha.converse('a', { messages });
    expect(specs.map((spec) => spec.region)).toEqual(['us-east-1']);
  });

  it('accepts a credentials object that an SDK client has already used', async () => {
    const sim = await simulator();
    const credentials = { accessKeyId: 'AKIDSHARED', secretAccessKey: 'secret' };
    const sdk = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: sim.url, credentials });
    await sdk.send(new ConverseCommand({ modelId: HAIKU, messages }));
    sdk.destroy();
    expect(credentials).toHaveProperty('$source');
    const ha = engine(sim, {
      client: { credentials },
      chains: { haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } },
    });
    await expect(ha.converse('haiku', { messages })).resolves.toMatchObject({ stopReason: 'end_turn' });
  });

  it('makes one attempt per SDK call: the chain, not the SDK, retries', async () => {
    const sim = await simulator();
    const ha = engine(sim, {
      policy: { retry: { maxAttempts: 1 } },
      chains: { solo: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } },
    });
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    await expect(ha.converse('solo', { messages })).rejects.toMatchObject({
      name: 'AllEndpointsFailedError',
    });
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(1);
  });

  it('uses a client factory given by the caller', async () => {
    const sim = await simulator();
    const built: BedrockRuntimeClient[] = [];
    const ha = engine(
      sim,
      { chains: { solo: { endpoints: [{ region: 'eu-west-1', modelId: HAIKU }] } } },
      {
        clientFactory: ({ region, client }) => {
          const sdk = new BedrockRuntimeClient({
            region,
            endpoint: client.endpoint,
            credentials: client.credentials,
            maxAttempts: 1,
          });
          built.push(sdk);
          return sdk;
        },
      },
    );
    const { servedBy } = await ha.converse('solo', { messages });
    expect(servedBy.region).toBe('eu-west-1');
    expect(built).toHaveLength(1);
    expect(requestCount(sim, { region: 'eu-west-1' })).toBe(1);
  });
});

describe('routing', () => {
  it('picks the first endpoint by weight and fails over in configured order', async () => {
    const sim = await simulator();
    let seed = 1;
    const random = () => {
      // A small LCG: reproducible picks.
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const ha = engine(
      sim,
      {
        chains: {
          spread: {
            routing: 'weighted',
            endpoints: [
              { id: 'east', region: 'us-east-1', modelId: HAIKU, weight: 3 },
              { id: 'west', region: 'us-west-2', modelId: HAIKU, weight: 1 },
            ],
          },
        },
      },
      { random },
    );
    const served: string[] = [];
    for (let request = 0; request < 200; request++)
      served.push((await ha.converse('spread', { messages })).servedBy.endpointId);
    const east = served.filter((id) => id === 'east').length;
    expect(east).toBeGreaterThan(120);
    expect(east).toBeLessThan(180);
  });

  it('rejects an unknown chain with the names it has', async () => {
    const sim = await simulator();
    const ha = engine(sim, { chains: { haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } } });
    const failure = ha.converse('claude', { messages });
    await expect(failure).rejects.toBeInstanceOf(UnknownChainError);
    await expect(failure).rejects.toThrow('No chain is named "claude"; the configuration has: haiku');
  });

  it('rejects a bad configuration at construction, naming the path', async () => {
    const sim = await simulator();
    expect(() => engine(sim, { chains: { haiku: { endpoints: [{ modelId: HAIKU }] } } })).toThrow(
      ConfigError,
    );
    expect(() => engine(sim, { chains: { haiku: { endpoints: [{ modelId: HAIKU }] } } })).toThrow(
      /chains\.haiku\.endpoints\.0\.region/,
    );
  });
});

describe('error classification', () => {
  it('lets the caller reclassify an error', async () => {
    const sim = await simulator();
    const ha = engine(
      sim,
      {
        chains: {
          haiku: {
            endpoints: [
              { id: 'east', region: 'us-east-1', modelId: HAIKU },
              { id: 'west', region: 'us-west-2', modelId: HAIKU },
            ],
          },
        },
      },
      // This team's guardrail rejects are regional: another region may accept the request.
      {
        classifyError: (error) =>
          (error as Error).message?.includes('guardrail')
            ? { errorClass: 'endpoint', reason: 'invalid-request' }
            : undefined,
      },
    );
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ValidationException', message: 'blocked by guardrail' },
    });
    const { servedBy } = await ha.converse('haiku', { messages });
    expect(servedBy.endpointId).toBe('west');
  });
});

describe('events and health', () => {
  it('stops calling a listener once disposed, and a throwing listener does not change the result', async () => {
    const sim = await simulator();
    const ha = engine(sim, { chains: { haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }] } } });
    const seen: string[] = [];
    const subscription = ha.onAttempt((event) => seen.push(event.outcome));
    ha.onAttempt(() => {
      throw new Error('listener bug');
    });
    // The listener's error is reported out of band, as a process warning: asserted, not printed.
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await ha.converse('haiku', { messages });
      subscription.dispose();
      await ha.converse('haiku', { messages });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toHaveBeenCalledWith('bedrock-ha event listener threw: Error: listener bug');
      expect(warnings).toHaveBeenCalledTimes(2);
    } finally {
      warnings.mockRestore();
    }
    expect(seen).toEqual(['success']);
  });

  it('reports every endpoint in health(), with the chains that route to it', async () => {
    const sim = await simulator();
    const ha = engine(sim, {
      policy: { bulkhead: { maxConcurrent: 4, maxQueued: 2 } },
      endpoints: { east: { region: 'us-east-1', modelId: HAIKU } },
      chains: { haiku: { endpoints: ['east'] }, cheap: { endpoints: ['east'] } },
    });
    expect(ha.health()).toEqual([
      {
        endpointId: 'east',
        region: 'us-east-1',
        kind: 'on-demand',
        modelId: HAIKU,
        chains: ['haiku', 'cheap'],
        breaker: 'closed',
        active: 0,
        queued: 0,
        retryBudget: 500,
        usage: { windowMs: 60_000, requests: 0, tokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    ]);
  });
});
