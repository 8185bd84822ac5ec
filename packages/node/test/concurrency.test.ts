import { describe, expect, it } from 'vitest';
import { harness, openaiClient, outcomesIn, TOKYO } from './harness.js';

const test = harness();
const REQUESTS = 200;

describe('under load', () => {
  it(`loses none of ${REQUESTS} concurrent requests, half streamed, while the primary fails half its calls`, async () => {
    // Quotas are lifted (see SIMULATOR): only the injected faults fail.
    const sim = await test.simulator();
    const { server, log } = await test.server(sim);
    sim.faults.add({
      match: { region: 'us-east-1' },
      when: { probability: 0.5 },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const openai = openaiClient(server.url);
    const messages = [{ role: 'user' as const, content: TOKYO }];
    const one = async (index: number): Promise<string> => {
      if (index % 2 === 0) {
        const completion = await openai.chat.completions.create({ model: 'chat', messages });
        return completion.choices[0]?.message.content ?? '';
      }
      const stream = await openai.chat.completions.create({ model: 'chat', messages, stream: true });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };

    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: REQUESTS }, (_, index) => one(index)));
    const elapsedMs = performance.now() - started;

    const failed = results.filter((result) => result.status === 'rejected');
    expect(failed.map((result) => String((result as PromiseRejectedResult).reason))).toEqual([]);
    expect(results.map((result) => (result as PromiseFulfilledResult<string>).value)).toEqual(
      Array(REQUESTS).fill('Tokyo'),
    );
    const east = outcomesIn(sim, 'us-east-1');
    const west = outcomesIn(sim, 'us-west-2');
    // Every request was answered exactly once, by one of the two.
    expect((east.success ?? 0) + (west.success ?? 0)).toBe(REQUESTS);
    expect(east.ServiceUnavailableException).toBeGreaterThan(0);
    expect(west.success).toBeGreaterThan(0);
    const served = log.events('request');
    expect(served).toHaveLength(REQUESTS);
    expect(served.every((line) => line.status === 200)).toBe(true);
    // Measured, not asserted (timing belongs in benchmarks): reported for the record.
    console.info(
      `${REQUESTS} concurrent requests through the server in ${Math.round(elapsedMs)} ms; ` +
        `primary ${east.success ?? 0} ok / ${east.ServiceUnavailableException} faults, backup ${west.success} ok`,
    );
  }, 60_000);
});
