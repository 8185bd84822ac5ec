import { ConverseCommand, ServiceUnavailableException } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { API_KEY, bedrockClient, harness, openaiClient, TOKYO, userMessage } from './harness.js';

const test = harness();
const messages = [{ role: 'user' as const, content: TOKYO }];
/**
 * One request started per turn and a 1 ms bound: a burst of calls, each on its own connection,
 * leaves the first ones queued for longer than that, so later arrivals are refused at once.
 */
const SHEDDING = { maxRequestsPerTurn: 1, maxQueueWaitMs: 1 };

/** The simulator, with a no-op fault whose `matched` counts the calls that reached it. */
async function countingSimulator() {
  const sim = await test.simulator();
  sim.faults.add({ fault: { type: 'latency', ms: 0 } });
  return { sim, reached: () => sim.faults.list()[0]?.matched ?? 0 };
}

describe('shedding load while behind (maxQueueWaitMs)', () => {
  it('answers OpenAI calls past the queue bound at once with a retryable 503, costing no upstream call and no endpoint health', async () => {
    const { sim, reached } = await countingSimulator();
    const { server, log } = await test.server(sim, SHEDDING);
    const answers = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const response = await fetch(`${server.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'chat', messages }),
        });
        return {
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          body: await response.json(),
        };
      }),
    );
    const refused = answers.filter((answer) => answer.status === 503);
    const served = answers.filter((answer) => answer.status === 200);
    expect(served.length + refused.length).toBe(answers.length);
    expect(served.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.retryAfter).toBe('1');
      expect(answer.body).toMatchObject({
        error: {
          type: 'server_error',
          code: 'overloaded',
          message: expect.stringMatching(/ms behind on queued requests \(its bound is 1 ms\)/),
        },
      });
    }
    // A refusal never reached Bedrock, and counted against no endpoint.
    expect(reached()).toBe(served.length);
    const health = (await (
      await fetch(`${server.url}/v1/endpoints`, { headers: { authorization: `Bearer ${API_KEY}` } })
    ).json()) as { data: { recent: { attempts: number; failures: number } }[] };
    expect(health.data.reduce((sum, endpoint) => sum + endpoint.recent.attempts, 0)).toBe(served.length);
    expect(health.data.every((endpoint) => endpoint.recent.failures === 0)).toBe(true);
    const refusedLines = log.events('request').filter((line) => line.status === 503);
    expect(refusedLines).toHaveLength(refused.length);
    expect(refusedLines[0]?.error).toMatchObject({
      name: 'OverloadedError',
      message: expect.stringMatching(/behind/),
    });
    // One warning says the server shed load (with the count), not one per refusal.
    const warnings = log.events('overloaded');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, shed: 1 });
    expect(refusedLines.every((line) => line.level === 30)).toBe(true);
    // Once caught up, the same server serves again.
    const after = await openaiClient(server.url).chat.completions.create({ model: 'chat', messages });
    expect(after.choices[0]?.message.content).toBe('Tokyo');
  }, 30_000);

  it('refuses Bedrock-native calls past the queue bound with ServiceUnavailableException, which the AWS SDK retries', async () => {
    const { sim } = await countingSimulator();
    const { server } = await test.server(sim, SHEDDING);
    const client = bedrockClient(server.url, API_KEY, 'http1');
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, () =>
        client
          .send(new ConverseCommand({ modelId: 'chat', messages: userMessage(TOKYO) }))
          .then((answer) => answer.output?.message?.content?.[0]?.text)
          .catch((error: unknown) => error),
      ),
    );
    const refused = outcomes.filter((outcome) => outcome instanceof ServiceUnavailableException);
    expect(outcomes.filter((outcome) => outcome === 'Tokyo').length + refused.length).toBe(outcomes.length);
    expect(refused.length).toBeGreaterThan(0);
    const exception = refused[0] as ServiceUnavailableException;
    expect(exception.$fault).toBe('server');
    expect(exception.$metadata.httpStatusCode).toBe(503);
    expect(exception.message).toMatch(/behind on queued requests/);
  }, 30_000);

  it('never refuses with the bound off (0), however far behind', async () => {
    const { sim } = await countingSimulator();
    const { server } = await test.server(sim, { maxRequestsPerTurn: 1, maxQueueWaitMs: 0 });
    const client = openaiClient(server.url);
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => client.chat.completions.create({ model: 'chat', messages })),
    );
    expect(answers.every((answer) => answer.choices[0]?.message.content === 'Tokyo')).toBe(true);
  }, 30_000);

  it('rejects a maxQueueWaitMs that is not a whole number from 0 before starting', async () => {
    const sim = await test.simulator();
    await expect(test.server(sim, { maxQueueWaitMs: -1 })).rejects.toThrow(
      /maxQueueWaitMs must be a whole number of ms from 0/,
    );
  });
});
