import {
  BedrockRuntimeClient,
  ConverseCommand,
  ServiceUnavailableException,
} from '@aws-sdk/client-bedrock-runtime';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  API_KEY,
  bedrockClient,
  CREDENTIALS,
  eventually,
  harness,
  openaiClient,
  TOKYO,
  userMessage,
} from './harness.js';

const test = harness();
const messages = [{ role: 'user' as const, content: TOKYO }];

/** A server allowing two model calls at once, with both taken by calls the primary answers slowly. */
async function fullServer() {
  const sim = await test.simulator();
  const { server, log } = await test.server(sim, { maxInFlight: 2 });
  sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 1_500 } });
  const slow = [1, 2].map(() =>
    openaiClient(server.url).chat.completions.create({ model: 'chat', messages }),
  );
  // Both reached the simulator: they hold the server's two places until it answers.
  await eventually(() => sim.faults.list()[0]?.applied === 2, 10_000, 'both slow calls in flight');
  return { sim, server, log, slow };
}

describe('bounded requests in flight (maxInFlight)', () => {
  it('answers an OpenAI call past the bound at once with a retryable 503 and retry-after, then serves again', async () => {
    const { sim, server, log, slow } = await fullServer();

    const refused = await openaiClient(server.url)
      .chat.completions.create({ model: 'chat', messages })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.InternalServerError);
    const apiError = refused as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.code).toBe('overloaded');
    expect(apiError.type).toBe('server_error');
    expect(apiError.headers?.get('retry-after')).toBe('1');
    expect(apiError.message).toMatch(/limit of 2 requests/);
    // GET routes are never refused: a health check still reads the truth.
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // The refusal cost no upstream call.
    expect(sim.faults.list()[0]?.matched).toBe(2);

    const answers = await Promise.all(slow);
    expect(answers.map((answer) => answer.choices[0]?.message.content)).toEqual(['Tokyo', 'Tokyo']);
    const after = await openaiClient(server.url).chat.completions.create({ model: 'chat', messages });
    expect(after.choices[0]?.message.content).toBe('Tokyo');
    const statuses = log.events('request').map((line) => line.status);
    expect(statuses.filter((status) => status === 503)).toHaveLength(1);
    expect(log.events('request').find((line) => line.status === 503)?.error).toMatchObject({
      name: 'OverloadedError',
    });
  }, 30_000);

  it('refuses a Bedrock-native call past the bound with ServiceUnavailableException, which the AWS SDK retries', async () => {
    const { server, slow } = await fullServer();

    for (const protocol of ['default', 'http1'] as const) {
      const refused = await bedrockClient(server.url, API_KEY, protocol)
        .send(new ConverseCommand({ modelId: 'chat', messages: userMessage(TOKYO) }))
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ServiceUnavailableException);
      const exception = refused as ServiceUnavailableException;
      expect(exception.$fault).toBe('server');
      expect(exception.$metadata.httpStatusCode).toBe(503);
      expect(exception.message).toMatch(/limit of 2 requests/);
    }

    // With its default retries (3 attempts, honouring retry-after), the SDK gets through once a
    // place is free.
    const retrying = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { ...CREDENTIALS },
    });
    retrying.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-api-key'] = API_KEY;
        return next(args);
      },
      { step: 'build' },
    );
    test.defer(() => retrying.destroy());
    const answer = await retrying.send(
      new ConverseCommand({ modelId: 'chat', messages: userMessage(TOKYO) }),
    );
    expect(answer.output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect(answer.$metadata.attempts).toBeGreaterThan(1);
    await Promise.all(slow);
  }, 30_000);

  it('lets the OpenAI SDK retry a refused call after retry-after until a place is free', async () => {
    const { server, log, slow } = await fullServer();
    const retrying = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 3 });
    const answer = await retrying.chat.completions.create({ model: 'chat', messages });
    expect(answer.choices[0]?.message.content).toBe('Tokyo');
    expect(log.events('request').some((line) => line.status === 503)).toBe(true);
    await Promise.all(slow);
  }, 30_000);

  it('rejects a maxInFlight that is not a positive whole number before starting', async () => {
    const sim = await test.simulator();
    await expect(test.server(sim, { maxInFlight: 0 })).rejects.toThrow(
      /maxInFlight must be a positive whole number, got 0/,
    );
  });
});
