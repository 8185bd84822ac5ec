import { breakerStaysOpen } from '@bedrock-ha/test-kit';
import { describe, expect, it } from 'vitest';
import { API_KEY, CONFIG, gatewayHarness, get, json, PT_ARN, post, TOKYO_PROMPT, text } from './harness.js';

const start = gatewayHarness();
const ask = { model: 'claude', messages: [{ role: 'user', content: TOKYO_PROMPT }] };
const basic = (password: string) => `Basic ${Buffer.from(`operator:${password}`).toString('base64')}`;
// The PT's breaker opens after two failures and stays open for the test.
const fragile = {
  ...CONFIG,
  policy: breakerStaysOpen(2),
};

describe('live dashboard routes', () => {
  it('asks a browser for Basic credentials and accepts the API key as the password', async () => {
    const { gateway } = await start();
    const anonymous = await gateway.handle({
      method: 'GET',
      path: '/dashboard',
      headers: {},
      body: undefined,
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="bedrock-ha"/);
    const wrong = await gateway.handle(get('/dashboard', { 'x-api-key': '', authorization: basic('nope') }));
    expect(wrong.status).toBe(401);
    const page = await gateway.handle(get('/dashboard', { 'x-api-key': '', authorization: basic(API_KEY) }));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    // Every asset inline: nothing the page loads from elsewhere.
    expect(text(page)).not.toMatch(/\bsrc="(?!data:)|\bhref="(?!data:)|url\(|@import/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    // The data route is an API route: a plain 401, no Basic prompt.
    const data = await gateway.handle({
      method: 'GET',
      path: '/dashboard/data',
      headers: {},
      body: undefined,
    });
    expect(data.status).toBe(401);
    expect(data.headers['www-authenticate']).toBe('Bearer');
  });

  it('reports the breaker opening, the failovers by reason and who served, as JSON', async () => {
    const { gateway, sim } = await start({ config: fragile });
    sim.faults.add({ match: { model: PT_ARN }, fault: { type: 'error', error: 'ThrottlingException' } });
    for (let index = 0; index < 4; index++)
      expect((await gateway.handle(post('/v1/chat/completions', ask))).status).toBe(200);
    const data = json(await gateway.handle(get('/dashboard/data')));
    const primary = data.endpoints.find(
      (endpoint: { endpointId: string }) => endpoint.endpointId === 'pt-east',
    );
    expect(primary.breaker).toBe('open');
    expect(primary.recent.reasons).toMatchObject({ throttled: 2, 'circuit-open': 2 });
    expect(data.transitions).toContainEqual(
      expect.objectContaining({ endpointId: 'pt-east', state: 'open' }),
    );
    expect(data.failoversByReason).toEqual({ throttled: 2, 'circuit-open': 2 });
    expect(data.failoverRoutes).toEqual({ 'pt-east -> haiku-west': 4 });
    const served = data.traffic.reduce(
      (sum: number, second: { served: Record<string, number> }) => sum + (second.served['haiku-west'] ?? 0),
      0,
    );
    expect(served).toBe(4);
    const west = data.endpoints.find(
      (endpoint: { endpointId: string }) => endpoint.endpointId === 'haiku-west',
    );
    expect(west.latency.count).toBe(4);
    expect(west.latency.p99).toBeGreaterThanOrEqual(west.latency.p50);
    expect(west.usage.requests).toBe(4);
  });

  it('serves no dashboard with dashboard: false, and no /metrics without a metrics source', async () => {
    const { gateway } = await start({ gateway: { dashboard: false } });
    expect((await gateway.handle(get('/dashboard'))).status).toBe(404);
    const metrics = await gateway.handle(get('/metrics'));
    expect(metrics.status).toBe(404);
    expect(json(metrics).error.message).toContain('without a `metrics` source');
  });

  it('serves /metrics from its source behind the API key', async () => {
    const { gateway } = await start({ gateway: { metrics: async () => 'up 1\n' } });
    const anonymous = await gateway.handle({ method: 'GET', path: '/metrics', headers: {}, body: undefined });
    expect(anonymous.status).toBe(401);
    const response = await gateway.handle(get('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
    expect(text(response)).toBe('up 1\n');
  });
});
