import { describe, expect, it } from 'vitest';
import { HAIKU, harness, seeded, UNLIMITED, userMessage } from './harness.js';

const { simulator, engine } = harness();
const messages = userMessage('Hello');
const SLOW_MS = 1000;

/** us-east-1 first in the chain, so ordered routing would send everything there. */
const config = {
  chains: {
    adaptive: {
      routing: 'adaptive' as const,
      endpoints: [
        { id: 'east', region: 'us-east-1', modelId: HAIKU },
        { id: 'west', region: 'us-west-2', modelId: HAIKU },
      ],
    },
  },
};

/** Sends `count` requests one after another; the endpoint that served each. */
async function send(ha: ReturnType<typeof engine>, count: number, stream = false): Promise<string[]> {
  const served: string[] = [];
  for (let request = 0; request < count; request++) {
    if (stream) {
      const answer = await ha.converseStream('adaptive', { messages });
      for await (const _event of answer.stream);
      served.push(answer.servedBy.endpointId);
    } else served.push((await ha.converse('adaptive', { messages })).servedBy.endpointId);
  }
  return served;
}

function share(served: readonly string[], id: string): number {
  return served.filter((each) => each === id).length / served.length;
}

describe('adaptive routing', () => {
  it('sends at least 80% of traffic to the faster region once warmed up, though it is listed second', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    // 1 s rather than the 400 ms: far beyond what a loaded machine adds to the fast region.
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: SLOW_MS } });
    const ha = engine(sim, config, { random: seeded(1) });
    await send(ha, 5); // warm-up: each region measured once
    const served = await send(ha, 60);
    expect(share(served, 'west')).toBeGreaterThanOrEqual(0.8);
    // Exploration keeps measuring the slow region now and then.
    expect(requestsIn(sim, 'us-east-1')).toBeGreaterThan(1);
  });

  it('measures streams by their time to first token', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: SLOW_MS } });
    const ha = engine(sim, config, { random: seeded(1) });
    await send(ha, 5, true);
    expect(share(await send(ha, 40, true), 'west')).toBeGreaterThanOrEqual(0.8);
  });

  it('moves traffic back when the slow region recovers and the other slows down', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    const slowEast = sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 400 } });
    const ha = engine(sim, config, { random: seeded(1) });
    await send(ha, 40);
    sim.faults.remove(slowEast);
    sim.faults.add({ match: { region: 'us-west-2' }, fault: { type: 'latency', ms: 400 } });
    // Exploration measures east again within about 20 requests (5%), and it takes over.
    await send(ha, 30);
    expect(share(await send(ha, 40), 'east')).toBeGreaterThanOrEqual(0.8);
  });

  it('moves first picks off a region that fails half of the time, to one as fast', async () => {
    const sim = await simulator({ quotas: { onDemand: UNLIMITED } });
    // As fast as each other, beyond the noise of a loaded machine.
    sim.faults.add({ match: {}, fault: { type: 'latency', ms: 50 } });
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
      when: { probability: 0.5 },
    });
    const ha = engine(
      sim,
      {
        ...config,
        // A breaker that stays closed and no retry: the error rate alone must steer traffic.
        policy: { breaker: { mode: 'off' }, retry: { maxAttempts: 1 } },
      },
      { random: seeded(1) },
    );
    await send(ha, 10);
    const before = requestsIn(sim, 'us-east-1');
    await send(ha, 60);
    // Every request east is a first pick (west, second in the chain, never fails over to it).
    expect((requestsIn(sim, 'us-east-1') - before) / 60).toBeLessThanOrEqual(0.2);
  });
});

function requestsIn(sim: Awaited<ReturnType<typeof simulator>>, region: string): number {
  return sim.counters({ region }).reduce((sum, counter) => sum + counter.requests, 0);
}
