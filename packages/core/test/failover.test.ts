import { describe, expect, it } from 'vitest';
import type { BedrockHAConfig } from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  haikuPt,
  harness,
  ptArn,
  recordEvents,
  requestCount,
  settle,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
const PT = ptArn('us-east-1', 'failoverpt01');
const PROFILE = `us.${HAIKU}`;

/** The AWS sample, grown to four hops in four regions, each endpoint of another kind. */
const FOUR_HOPS: BedrockHAConfig = {
  chains: {
    haiku: {
      endpoints: [
        { id: 'pt', modelId: PT },
        { id: 'west', region: 'us-west-2', modelId: HAIKU },
        { id: 'profile', region: 'us-east-2', modelId: PROFILE },
        { id: 'eu', region: 'eu-central-1', modelId: HAIKU },
      ],
      // One attempt per endpoint and no breaker: this file is about the order of hops.
      policy: { retry: { maxAttempts: 1 }, breaker: { mode: 'off' } },
    },
  },
};

/** Each hop fails its own way, so the attempts show why the chain moved on. */
const HOPS = [
  { id: 'pt', region: 'us-east-1', kind: 'provisioned', error: 'ThrottlingException', reason: 'throttled' },
  {
    id: 'west',
    region: 'us-west-2',
    kind: 'on-demand',
    error: 'ServiceUnavailableException',
    reason: 'unavailable',
  },
  {
    id: 'profile',
    region: 'us-east-2',
    kind: 'inference-profile',
    error: 'InternalServerException',
    reason: 'server-error',
  },
  {
    id: 'eu',
    region: 'eu-central-1',
    kind: 'on-demand',
    error: 'ModelTimeoutException',
    reason: 'model-timeout',
  },
] as const;

async function fourRegions() {
  const sim = await simulator({ provisionedThroughputs: [haikuPt('us-east-1', 'failoverpt01')] });
  const ha = engine(sim, FOUR_HOPS);
  const events = recordEvents(ha);
  const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
  /** Faults every request to the first `count` hops. */
  const breakFirst = (count: number) => {
    for (const hop of HOPS.slice(0, count))
      sim.faults.add({ match: { region: hop.region }, fault: { type: 'error', error: hop.error } });
  };
  return { sim, ha, events, ask, breakFirst };
}

describe('a chain across four regions', () => {
  it.each([
    [0, 'serves on the PT in us-east-1 when nothing fails'],
    [1, 'fails over to on-demand in us-west-2 when the PT throttles'],
    [2, 'fails over to the us. inference profile from us-east-2 when us-west-2 is unavailable too'],
    [3, 'fails over to eu-central-1 when the first three endpoints fail'],
  ] as const)('hop %i: %s', async (broken, _title) => {
    const { sim, events, ask, breakFirst } = await fourRegions();
    breakFirst(broken);

    const result = await settle(ask());
    if (result.status === 'rejected') throw result.reason;
    const { value } = result;
    const serving = HOPS[broken]!;
    expect(value.servedBy).toEqual({
      endpointId: serving.id,
      region: serving.region,
      kind: serving.kind,
      modelId: { pt: PT, west: HAIKU, profile: PROFILE, eu: HAIKU }[serving.id],
    });
    expect(value.output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect(attemptRows(value.attempts)).toEqual([
      ...HOPS.slice(0, broken).map((hop) => [hop.id, 'failure', hop.reason]),
      [serving.id, 'success', undefined],
    ]);
    expect(value.attempts.slice(0, broken).map((attempt) => attempt.errorName)).toEqual(
      HOPS.slice(0, broken).map((hop) => hop.error),
    );
    expect(events.hops()).toEqual(
      HOPS.slice(0, broken).map((hop, index) => [hop.id, HOPS[index + 1]!.id, hop.reason]),
    );
    // Each endpoint was called once up to the one that served; none after it.
    expect(HOPS.map((hop) => requestCount(sim, { region: hop.region }))).toEqual(
      HOPS.map((_, index) => (index <= broken ? 1 : 0)),
    );
  });

  it('returns to the PT as soon as it answers again', async () => {
    const { sim, ask } = await fourRegions();
    const storm = sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    expect((await ask()).servedBy.endpointId).toBe('west');
    sim.faults.remove(storm);
    const back = await ask();
    expect(back.servedBy.endpointId).toBe('pt');
    expect(attemptRows(back.attempts)).toEqual([['pt', 'success', undefined]]);
  });

  it('uses the inference profile only from a region of its geography: eu-central-1 answers when it is rejected', async () => {
    const sim = await simulator();
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [
            // A us. profile called from eu-west-1 is an invalid model id: an endpoint problem, not the request's.
            { id: 'wrong-geo', region: 'eu-west-1', modelId: PROFILE },
            { id: 'eu', region: 'eu-central-1', modelId: HAIKU },
          ],
        },
      },
    });
    const result = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    expect(result.servedBy.endpointId).toBe('eu');
    expect(attemptRows(result.attempts)).toEqual([
      ['wrong-geo', 'failure', 'invalid-model'],
      ['eu', 'success', undefined],
    ]);
    expect(requestCount(sim, { region: 'eu-west-1' })).toBe(1);
  });
});
