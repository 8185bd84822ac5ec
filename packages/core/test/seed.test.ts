import { describe, expect, it } from 'vitest';
import { HAIKU, haikuPt, harness, ptArn, TOKYO_PROMPT, userMessage } from './harness.js';

const { simulator, engine } = harness();
const PT = ptArn('us-east-1', 'seedpt000001');

describe('the AWS sample, as a config', () => {
  it('serves on the PT, fails over to on-demand in us-west-2 when it throttles, then returns to the PT', async () => {
    const sim = await simulator({ provisionedThroughputs: [haikuPt('us-east-1', 'seedpt000001')] });
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [
            { id: 'pt', modelId: PT },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    });
    const ask = () => ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });

    const first = await ask();
    expect(first.servedBy).toMatchObject({ endpointId: 'pt', region: 'us-east-1', kind: 'provisioned' });
    expect(first.output?.message?.content?.[0]?.text).toBe('Tokyo');

    sim.faults.add({
      match: { model: PT },
      when: { times: 1 },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const second = await ask();
    expect(second.servedBy).toMatchObject({ endpointId: 'west', region: 'us-west-2', kind: 'on-demand' });
    expect(
      second.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome, attempt.errorName]),
    ).toEqual([
      ['pt', 'failure', 'ThrottlingException'],
      ['west', 'success', undefined],
    ]);

    const third = await ask();
    expect(third.servedBy.endpointId).toBe('pt');
    expect(third.attempts).toHaveLength(1);
  });
});
