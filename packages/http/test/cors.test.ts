import { describe, expect, it } from 'vitest';
import { createGateway } from '../src/gateway.js';
import { API_KEY, chunks, gatewayHarness, get, json, post, TOKYO_PROMPT } from './harness.js';

const start = gatewayHarness();
const APP = 'https://app.example.com';
const cors = { allowedOrigins: [APP, 'http://localhost:5173'] };
const chat = { model: 'claude', messages: [{ role: 'user', content: TOKYO_PROMPT }] };

/** A browser's preflight for a POST with a key: no key on it, as browsers never send one there. */
function preflight(origin: string, path = '/v1/chat/completions') {
  return {
    method: 'OPTIONS',
    path,
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, x-stainless-os',
    },
    body: undefined,
  };
}

describe('CORS, when origins are allowed', () => {
  it('answers a preflight from an allowed origin before the key check, without calling Bedrock', async () => {
    const { gateway, sim, logs } = await start({ gateway: { cors } });
    const response = await gateway.handle(preflight(APP));
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type, x-stainless-os',
      'access-control-max-age': '600',
    });
    expect(response.headers.vary).toContain('origin');
    expect(sim.requests()).toEqual([]);
    expect(logs[0]).toMatchObject({ method: 'OPTIONS', route: 'OPTIONS (CORS preflight)', status: 204 });
  });

  it('answers a preflight on a Bedrock-native path the same way', async () => {
    const { gateway } = await start({ gateway: { cors } });
    const response = await gateway.handle(preflight('http://localhost:5173', '/model/claude/converse'));
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('refuses a preflight from another origin: 403 without allow headers, still before the key check', async () => {
    const { gateway } = await start({ gateway: { cors } });
    const response = await gateway.handle(preflight('https://evil.example.net'));
    expect(response.status).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows any origin with *', async () => {
    const { gateway } = await start({ gateway: { cors: { allowedOrigins: ['*'], maxAgeSeconds: 60 } } });
    const response = await gateway.handle(preflight('https://anything.example.org'));
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-max-age']).toBe('60');
  });

  it('marks answers, errors and streams to an allowed origin, and exposes the gateway headers', async () => {
    const { gateway } = await start({ gateway: { cors } });
    const answered = await gateway.handle(post('/v1/chat/completions', chat, { origin: APP }));
    expect(answered.status).toBe(200);
    expect(json(answered).choices[0].message.content).toBe('Tokyo');
    expect(answered.headers['access-control-allow-origin']).toBe(APP);
    expect(answered.headers['access-control-expose-headers']).toContain('x-bedrock-ha-endpoint');
    expect(answered.headers.vary).toBe('origin');

    // A page must be able to read why it was refused.
    const refused = await gateway.handle(
      post('/v1/chat/completions', chat, { origin: APP, authorization: 'Bearer wrong' }),
    );
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(APP);

    const streamed = await gateway.handle(
      post('/v1/chat/completions', { ...chat, stream: true }, { origin: APP }),
    );
    expect(streamed.headers['access-control-allow-origin']).toBe(APP);
    await chunks(streamed);
  });

  it('leaves answers to other origins and to callers without an Origin unmarked', async () => {
    const { gateway } = await start({ gateway: { cors } });
    const other = await gateway.handle(
      post('/v1/chat/completions', chat, { origin: 'https://evil.example.net' }),
    );
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const server = await gateway.handle(get('/v1/models'));
    expect(server.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rejects an allowed origin that is not an origin, naming it', async () => {
    const { ha } = await start();
    expect(() => createGateway(ha, { cors: { allowedOrigins: ['https://app.example.com/path'] } })).toThrow(
      /"https:\/\/app.example.com\/path" is not an origin/,
    );
  });
});

describe('OPTIONS without CORS configured', () => {
  it('is an unknown method: 401 without a key, 405 with one, and no CORS headers', async () => {
    const { gateway, sim } = await start();
    const anonymous = await gateway.handle(preflight(APP));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['access-control-allow-origin']).toBeUndefined();
    const withKey = await gateway.handle({
      ...preflight(APP),
      headers: { ...preflight(APP).headers, 'x-api-key': API_KEY },
    });
    expect(withKey.status).toBe(405);
    expect(withKey.headers.allow).toBe('POST');
    expect(withKey.headers['access-control-allow-origin']).toBeUndefined();
    expect(sim.requests()).toEqual([]);
  });
});
