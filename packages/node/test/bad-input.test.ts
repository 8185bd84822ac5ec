import { describe, expect, it } from 'vitest';
import { API_KEY, eventually, harness, outcomesIn, SIMULATOR, TOKYO } from './harness.js';

const test = harness();
const JSON_HEADERS = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

/** Sockets and servers this process holds open. */
function openSockets(): number {
  return process
    .getActiveResourcesInfo()
    .filter((type) => type === 'TCPSocketWrap' || type === 'TCPServerWrap').length;
}

async function errorOf(response: Response): Promise<{ status: number; message: string }> {
  const body = (await response.json()) as { error?: { message: string }; message?: string };
  return { status: response.status, message: body.error?.message ?? body.message ?? '' };
}

describe('bad input', () => {
  it('malformed JSON, an oversized body and a missing or wrong key each get a clear error', async () => {
    const sim = await test.simulator();
    const { server, log } = await test.server(sim, { maxBodyBytes: 10_000 });
    const completions = `${server.url}/v1/chat/completions`;

    const malformed = await errorOf(
      await fetch(completions, { method: 'POST', headers: JSON_HEADERS, body: '{"model":"chat",' }),
    );
    expect(malformed.status).toBe(400);
    expect(malformed.message).toMatch(/JSON/);

    const oversized = await errorOf(
      await fetch(completions, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(50_000) }] }),
      }),
    );
    expect(oversized.status).toBe(413);
    expect(oversized.message).toMatch(/10000/);

    const body = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: TOKYO }] });
    const missing = await fetch(completions, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await errorOf(missing)).toMatchObject({ status: 401, message: expect.stringMatching(/API key/) });
    const wrong = await fetch(completions, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'x-api-key': 'wrong', authorization: '' },
      body,
    });
    expect((await errorOf(wrong)).status).toBe(401);

    // Bedrock-native routes answer in Bedrock's format: the JSON message and x-amzn-errortype.
    const native = await fetch(`${server.url}/model/chat/converse`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'x-api-key': API_KEY },
      body: '{not json',
    });
    expect(native.status).toBe(400);
    expect(native.headers.get('x-amzn-errortype')).toMatch(/ValidationException/);

    expect(sim.counters()).toEqual([]);
    expect(log.events('request').map((line) => line.status)).toEqual([400, 413, 401, 401, 400]);
  });

  it('a client that leaves mid-stream aborts the upstream call, and nothing stays open after close', async () => {
    const before = openSockets();
    // About 20 s of answer at 20 tokens a second: the client leaves long before the end.
    const sim = await test.simulator({
      ...SIMULATOR,
      models: { '*': { tokensPerSecond: 20, outputTokens: 400 } },
    });
    const { server, log } = await test.server(sim);

    const client = new AbortController();
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        model: 'chat',
        stream: true,
        messages: [{ role: 'user', content: 'a long story' }],
      }),
      signal: client.signal,
    });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^data: /);
    client.abort();

    await eventually(
      () => outcomesIn(sim, 'us-east-1').aborted === 1,
      10_000,
      'the simulator saw the call cut',
    );
    await eventually(() => log.events('request').length === 1, 10_000, 'the access log line');
    expect(log.events('request')[0]).toMatchObject({ status: 200, endpointId: 'primary' });

    const started = Date.now();
    await server.close();
    // Nothing was in flight any more: no wait for the shutdown timeout.
    expect(Date.now() - started).toBeLessThan(5_000);
    await sim.close();
    await eventually(() => openSockets() <= before, 5_000, `open sockets back to ${before}`);
  });
});
