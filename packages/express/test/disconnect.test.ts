import { describe, expect, it } from 'vitest';
import { bedrockHARouter } from '../src/index.js';
import { API_KEY, appWith, eventually, harness, openConnections, outcomesIn, SIMULATOR } from './harness.js';

const test = harness();

describe('a client that disconnects', () => {
  it('mid-stream aborts the upstream Bedrock call and leaves no connection open', async () => {
    // A long, slow answer: about 20 s at 20 tokens a second.
    const sim = await test.simulator({
      ...SIMULATOR,
      models: { '*': { tokensPerSecond: 20, outputTokens: 400 } },
    });
    const ha = test.engine(sim);
    const attempts: string[] = [];
    ha.onAttempt((attempt) => attempts.push(`${attempt.outcome}:${attempt.reason ?? ''}`));
    const router = bedrockHARouter(ha, { apiKeys: [API_KEY] });
    test.defer(() => router.close());
    const { url, server } = await test.listen(appWith(router));

    const client = new AbortController();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'chat',
        stream: true,
        messages: [{ role: 'user', content: 'tell me a story' }],
      }),
      signal: client.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: /);
    client.abort();

    await eventually(
      () => outcomesIn(sim, 'us-east-1').aborted === 1,
      10_000,
      'the simulator saw the stream cut',
    );
    await eventually(() => attempts.includes('failure:cancelled'), 10_000, 'the attempt ended as cancelled');
    await eventually(async () => (await openConnections(server)) === 0, 10_000, 'no connection left open');
    expect(ha.health().every((endpoint) => endpoint.active === 0)).toBe(true);
  });
});

describe('a client that disconnects before the answer', () => {
  it('aborts the upstream call waiting for its first token, and the server stays up', async () => {
    // Two seconds before any answer.
    const sim = await test.simulator({ ...SIMULATOR, models: { '*': { firstTokenMs: 2_000 } } });
    const ha = test.engine(sim);
    const attempts: string[] = [];
    ha.onAttempt((attempt) => attempts.push(`${attempt.outcome}:${attempt.reason ?? ''}`));
    const router = bedrockHARouter(ha, { apiKeys: [API_KEY] });
    test.defer(() => router.close());
    const { url, server } = await test.listen(appWith(router));
    const request = (stream: boolean, signal?: AbortSignal) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'chat', stream, messages: [{ role: 'user', content: 'hello' }] }),
        ...(signal ? { signal } : {}),
      });

    await expect(request(false, AbortSignal.timeout(300))).rejects.toThrow();
    await expect(request(true, AbortSignal.timeout(300))).rejects.toThrow();

    await eventually(
      () => outcomesIn(sim, 'us-east-1').aborted === 2,
      10_000,
      'the simulator saw both calls cut',
    );
    await eventually(
      () => attempts.filter((attempt) => attempt === 'failure:cancelled').length === 2,
      10_000,
      'both attempts ended as cancelled',
    );
    await eventually(async () => (await openConnections(server)) === 0, 10_000, 'no connection left open');
    // Nothing was failed over: a client leaving is not the endpoint's fault.
    expect(outcomesIn(sim, 'us-west-2')).toEqual({});
    expect((await request(false)).status).toBe(200);
  });
});
