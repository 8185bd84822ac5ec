import { describe, expect, it } from 'vitest';
import { type EndpointParkedEvent, MemoryStateStore } from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  harness,
  recordEvents,
  requestCount,
  settleAll,
  streamText,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness();

const MIDNIGHT = Date.parse('2026-12-07T00:00:00Z');
const EVENING = MIDNIGHT - 3_600_000;
const DAILY = 'Too many tokens per day, please wait before trying again.';

/**
 * A simulator whose us-east-1 Haiku may use 20 tokens a day: its first request (17 tokens) spends
 * the day's quota, every later one is refused with
 * "Too many tokens per day" until `sim.newDay()`. Engines run on a clock the test moves.
 */
async function spentDay() {
  const sim = await simulator({
    quotas: { overrides: [{ region: 'us-east-1', model: HAIKU, tokensPerDay: 20 }] },
  });
  const clock = { now: EVENING };
  const chain = {
    haiku: {
      endpoints: [
        { id: 'east', region: 'us-east-1', modelId: HAIKU },
        { id: 'west', region: 'us-west-2', modelId: HAIKU },
      ],
      // One failure would open the breaker: a daily quota must not.
      policy: {
        breaker: {
          mode: 'consecutive' as const,
          failures: 1,
          halfOpenAfterMs: 1_000,
          maxHalfOpenAfterMs: 1_000,
        },
      },
    },
  };
  const store = new MemoryStateStore({ now: () => clock.now });
  const make = () => engine(sim, { chains: chain }, { now: () => clock.now, stateStore: store });
  const ha = make();
  // Spends the day's quota.
  expect((await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) })).servedBy.endpointId).toBe(
    'east',
  );
  return { sim, clock, ha, make };
}

const ask = { messages: userMessage(TOKYO_PROMPT) };

describe('daily quotas ("Too many tokens per day")', () => {
  it('parks the endpoint until the UTC midnight reset: no retry, no breaker count, later requests skip it', async () => {
    const { sim, ha } = await spentDay();
    const events = recordEvents(ha);
    const parked: EndpointParkedEvent[] = [];
    ha.onEndpointParked((event) => parked.push(event));

    const refused = await ha.converse('haiku', ask);
    expect(refused.servedBy.endpointId).toBe('west');
    expect(attemptRows(refused.attempts)).toEqual([
      ['east', 'failure', 'daily-quota'],
      ['west', 'success', undefined],
    ]);
    expect(refused.attempts[0]).toMatchObject({ errorClass: 'endpoint', errorMessage: DAILY });
    expect(parked).toEqual([
      {
        endpoint: expect.objectContaining({ endpointId: 'east' }),
        until: new Date(MIDNIGHT).toISOString(),
        reason: 'daily-quota',
      },
    ]);
    expect(events.retries).toEqual([]);
    expect(events.breaker).toEqual([]);
    const east = ha.health().find((health) => health.endpointId === 'east');
    expect(east).toMatchObject({ breaker: 'closed', parkedUntil: new Date(MIDNIGHT).toISOString() });

    const callsBefore = requestCount(sim, { region: 'us-east-1' });
    const later = await settleAll(Array.from({ length: 5 }, () => ha.converse('haiku', ask)));
    for (const result of later) {
      expect(result.status).toBe('fulfilled');
      if (result.status === 'fulfilled')
        expect(attemptRows(result.value.attempts)).toEqual([
          ['east', 'skipped', 'parked'],
          ['west', 'success', undefined],
        ]);
    }
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(callsBefore);
    expect(parked).toHaveLength(1);
  });

  it('sends one probe after the reset and brings traffic back when it is served', async () => {
    const { sim, clock, ha } = await spentDay();
    await ha.converse('haiku', ask);
    clock.now = MIDNIGHT + 1_000;
    sim.newDay();
    const probe = await ha.converse('haiku', ask);
    expect(attemptRows(probe.attempts)).toEqual([['east', 'success', undefined]]);
    expect(ha.health().find((health) => health.endpointId === 'east')?.parkedUntil).toBeUndefined();
  });

  it('lets only one request probe after the reset; the others keep failing over until it is served', async () => {
    const { sim, clock, ha } = await spentDay();
    await ha.converse('haiku', ask);
    clock.now = MIDNIGHT + 1_000;
    sim.newDay();
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'latency', ms: 200 },
      when: { times: 1 },
    });
    const results = await settleAll(Array.from({ length: 4 }, () => ha.converse('haiku', ask)));
    const rows = results.map((result) =>
      result.status === 'fulfilled' ? attemptRows(result.value.attempts)[0] : undefined,
    );
    expect(rows.filter((row) => row?.[0] === 'east' && row[1] === 'success')).toHaveLength(1);
    expect(rows.filter((row) => row?.[2] === 'parked')).toHaveLength(3);
  });

  it('takes a probe refused just after the reset for clock skew: parks it for a minute, not another day', async () => {
    const { clock, ha } = await spentDay();
    await ha.converse('haiku', ask);
    // Our midnight has passed but the simulator's day has not ended (no newDay()).
    clock.now = MIDNIGHT + 1_000;
    const skewed = await ha.converse('haiku', ask);
    expect(attemptRows(skewed.attempts)[0]).toEqual(['east', 'failure', 'daily-quota']);
    expect(ha.health().find((health) => health.endpointId === 'east')?.parkedUntil).toBe(
      new Date(MIDNIGHT + 60_000).toISOString(),
    );
  });

  it('parks the endpoint for every engine sharing the state store', async () => {
    const { sim, ha, make } = await spentDay();
    await ha.converse('haiku', ask);
    const other = make();
    const callsBefore = requestCount(sim, { region: 'us-east-1' });
    const served = await other.converse('haiku', ask);
    expect(attemptRows(served.attempts)).toEqual([
      ['east', 'skipped', 'parked'],
      ['west', 'success', undefined],
    ]);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(callsBefore);
  });

  it('parks on a daily quota answered to ConverseStream too', async () => {
    const { ha } = await spentDay();
    const first = await ha.converseStream('haiku', ask);
    expect(await streamText(first.stream)).toContain('Tokyo');
    expect(attemptRows(first.attempts)).toEqual([
      ['east', 'failure', 'daily-quota'],
      ['west', 'success', undefined],
    ]);
    const second = await ha.converseStream('haiku', ask);
    await streamText(second.stream);
    expect(attemptRows(second.attempts)[0]).toEqual(['east', 'skipped', 'parked']);
  });

  it('parks until a configured reset time (policy.dailyQuota.resetsAt, UTC)', async () => {
    const sim = await simulator({
      quotas: { overrides: [{ region: 'us-east-1', model: HAIKU, tokensPerDay: 20 }] },
    });
    const ha = engine(
      sim,
      {
        policy: { dailyQuota: { resetsAt: '07:00' } },
        chains: {
          haiku: {
            endpoints: [
              { id: 'east', region: 'us-east-1', modelId: HAIKU },
              { id: 'west', region: 'us-west-2', modelId: HAIKU },
            ],
          },
        },
      },
      { now: () => EVENING },
    );
    await ha.converse('haiku', ask);
    await ha.converse('haiku', ask);
    expect(ha.health().find((health) => health.endpointId === 'east')?.parkedUntil).toBe(
      '2026-12-07T07:00:00.000Z',
    );
  });
});
