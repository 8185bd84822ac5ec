import { setTimeout as sleep } from 'node:timers/promises';
import { ConverseCommand, type Message } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import type { BedrockHA, ConverseInput } from '../src/index.js';
import { HAIKU, harness, seeded, UNLIMITED } from './harness.js';

const { simulator, engine } = harness();

/** A shared system prompt of about 1,500 tokens, cached at its cachePoint. */
const SYSTEM = Array.from({ length: 300 }, (_, index) => `Rule ${index}: be brief.`).join(' ');
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

function chainConfig(extra: Record<string, unknown> = {}) {
  return {
    chains: {
      spread: {
        routing: 'weighted' as const,
        endpoints: REGIONS.map((region) => ({ id: region, region, modelId: HAIKU })),
        ...extra,
      },
    },
  };
}

function turn(messages: Message[]): ConverseInput {
  return { system: [{ text: SYSTEM }, { cachePoint: { type: 'default' } }], messages };
}

/** Sends `turns` turns of one conversation; each turn's endpoint and cache-read tokens. */
async function converse(ha: BedrockHA, session: string | undefined, turns: number) {
  const messages: Message[] = [];
  const served: { endpoint: string; cacheRead: number }[] = [];
  for (let index = 0; index < turns; index++) {
    messages.push({ role: 'user', content: [{ text: `question ${index} of ${session}` }] });
    const result = await ha.converse('spread', turn(messages), session ? { affinityKey: session } : {});
    messages.push(result.output!.message!);
    served.push({
      endpoint: result.servedBy.endpointId,
      cacheRead: result.usage?.cacheReadInputTokens ?? 0,
    });
  }
  return served;
}

describe('prompt-cache affinity', () => {
  it('keeps each session on the endpoint that served it first, so every later turn reads the cache', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    const ha = engine(sim, chainConfig(), { random: seeded(7) });
    const homes = new Set<string>();
    for (let session = 0; session < 6; session++) {
      const served = await converse(ha, `session-${session}`, 4);
      expect(new Set(served.map((each) => each.endpoint)).size).toBe(1);
      for (const later of served.slice(1)) expect(later.cacheRead).toBeGreaterThan(1_000);
      homes.add(served[0]!.endpoint);
    }
    // Sessions are still spread by weight: more than one endpoint is somebody's home.
    expect(homes.size).toBeGreaterThan(1);
  });

  it('spreads the turns of a session without a key (and with affinity off), missing the cache', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    const ha = engine(sim, { ...chainConfig(), affinity: false }, { random: seeded(7) });
    const served = await converse(ha, 'ignored', 8);
    expect(new Set(served.map((each) => each.endpoint)).size).toBeGreaterThan(1);
    expect(served.slice(1).some((each) => each.cacheRead === 0)).toBe(true);
  });

  it('streams stick too', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    const ha = engine(sim, chainConfig(), { random: seeded(3) });
    const messages: Message[] = [{ role: 'user', content: [{ text: 'hello' }] }];
    const endpoints = new Set<string>();
    for (let index = 0; index < 5; index++) {
      const result = await ha.converseStream('spread', turn(messages), { affinityKey: 'streamed' });
      for await (const _event of result.stream);
      endpoints.add(result.servedBy.endpointId);
    }
    expect(endpoints.size).toBe(1);
  });

  it('fails a session over while its home is down, keeps it on one stand-in, and returns it home once the breaker lets a probe through', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    const ha = engine(
      sim,
      chainConfig({
        policy: {
          retry: { maxAttempts: 1 },
          breaker: { mode: 'consecutive', failures: 1, halfOpenAfterMs: 200, maxHalfOpenAfterMs: 200 },
        },
      }),
      { random: seeded(11) },
    );
    const [first] = await converse(ha, 'travelling', 1);
    const home = first!.endpoint;
    const outage = sim.faults.add({
      match: { region: home },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const during = await converse(ha, 'travelling', 4);
    expect(during.every((each) => each.endpoint !== home)).toBe(true);
    // One stand-in for the whole outage: its cache is warm from the second turn on.
    expect(new Set(during.map((each) => each.endpoint)).size).toBe(1);

    sim.faults.remove(outage);
    await sleep(400); // past the breaker's cool-down
    const [back] = await converse(ha, 'travelling', 1);
    expect(back!.endpoint).toBe(home);
    // The home's cache outlived the outage.
    expect(back!.cacheRead).toBeGreaterThan(1_000);
  });

  it('spills a session off a home at capacity without moving its home', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    const ha = engine(
      sim,
      chainConfig({
        endpoints: REGIONS.map((region) => ({
          id: region,
          region,
          modelId: HAIKU,
          capacity: { requestsPerMinute: 2 },
        })),
      }),
      { random: seeded(5) },
    );
    const served = await converse(ha, 'busy', 4);
    const home = served[0]!.endpoint;
    expect(served[1]!.endpoint).toBe(home);
    // The home's two requests a minute are spent: the next turns go elsewhere.
    expect(served[2]!.endpoint).not.toBe(home);
    expect(served[3]!.endpoint).toBe(served[2]!.endpoint);
  });

  it('derives keys with the affinityKey option, for requests sent through ha.client', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    const ha = engine(sim, chainConfig(), {
      random: seeded(9),
      affinityKey: ({ input }) =>
        (input as { requestMetadata?: Record<string, string> }).requestMetadata?.session,
    });
    const endpoints = new Set<string>();
    for (let index = 0; index < 6; index++) {
      const output = await ha.client.send(
        new ConverseCommand({
          modelId: 'spread',
          requestMetadata: { session: 'drop-in' },
          messages: [{ role: 'user', content: [{ text: `question ${index}` }] }],
        }),
      );
      endpoints.add((output as { servedBy: { endpointId: string } }).servedBy.endpointId);
    }
    expect(endpoints.size).toBe(1);
  });
});

/** A seeded random source, so that weighted picks are the same on every run. */
