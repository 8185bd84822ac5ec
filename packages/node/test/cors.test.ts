import { describe, expect, it } from 'vitest';
import { API_KEY, harness, openaiClient, TOKYO } from './harness.js';

const test = harness();
const APP = 'http://localhost:5173';

function preflight(url: string) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'OPTIONS',
    headers: {
      origin: APP,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
}

describe('the server with CORS origins', () => {
  it('answers a browser preflight before the key check, and marks the real request', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, { corsOrigins: [APP] });
    const answer = await preflight(server.url);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-allow-headers')).toBe('authorization, content-type');

    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: APP, authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: TOKYO }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('Tokyo');
    // The OpenAI client still works beside it.
    const completion = await openaiClient(server.url).chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: TOKYO }],
    });
    expect(completion.choices[0]?.message.content).toBe('Tokyo');
  });

  it('without CORS origins, a preflight is refused by the key check and carries no CORS headers', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim);
    const answer = await preflight(server.url);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});
