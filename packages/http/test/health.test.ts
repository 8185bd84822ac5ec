import { breakerStaysOpen } from '@bedrock-ha/test-kit';
import { describe, expect, it } from 'vitest';
import { CONFIG, gatewayHarness, get, json, PT_ARN, post, TOKYO_PROMPT } from './harness.js';

const start = gatewayHarness();
const ask = { model: 'claude', messages: [{ role: 'user', content: TOKYO_PROMPT }] };
const NOVA = 'amazon.nova-micro-v1:0';
// Opens after one failure and stays open for the test.
const fragile = {
  chains: {
    ...CONFIG.chains,
    nova: {
      endpoints: [{ id: 'nova-west', region: 'us-west-2', modelId: NOVA }],
      policy: breakerStaysOpen(1),
    },
  },
};

describe('health and discovery routes', () => {
  it('healthz is 200 without a key', async () => {
    const { gateway } = await start();
    const response = await gateway.handle({ method: 'GET', path: '/healthz', headers: {}, body: undefined });
    expect(response.status).toBe(200);
    expect(json(response)).toEqual({ status: 'ok' });
  });

  it('readyz turns 503 naming the chain whose every breaker is open, to a caller with a key', async () => {
    const { gateway, sim } = await start({ config: fragile });
    const readyz = () => gateway.handle(get('/readyz'));
    const anonymous = () => gateway.handle({ method: 'GET', path: '/readyz', headers: {}, body: undefined });
    expect((await anonymous()).status).toBe(200);
    expect((await readyz()).status).toBe(200);
    sim.faults.add({
      match: { model: NOVA },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const failed = await gateway.handle(post('/v1/chat/completions', { ...ask, model: 'nova' }));
    expect(failed.status).toBe(503);
    expect(json(failed).error).toMatchObject({ type: 'server_error', code: 'all_endpoints_failed' });
    const response = await readyz();
    expect(response.status).toBe(503);
    expect(json(response)).toMatchObject({ status: 'unavailable', chains: ['nova'] });
    // Without a key: the status only, no chain names.
    const unnamed = await anonymous();
    expect(unnamed.status).toBe(503);
    expect(json(unnamed)).toEqual({ status: 'unavailable', message: expect.any(String) });
    expect(unnamed.body).not.toContain('nova');
  });

  it('readyz names the chains to anyone when the gateway has no keys', async () => {
    const { gateway, sim } = await start({ config: fragile, gateway: { apiKeys: [] } });
    sim.faults.add({
      match: { model: NOVA },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    expect((await gateway.handle(post('/v1/chat/completions', { ...ask, model: 'nova' }))).status).toBe(503);
    const response = await gateway.handle({ method: 'GET', path: '/readyz', headers: {}, body: undefined });
    expect(json(response)).toMatchObject({ status: 'unavailable', chains: ['nova'] });
  });

  it('v1/models lists the chains as OpenAI models', async () => {
    const { gateway } = await start();
    const body = json(await gateway.handle(get('/v1/models')));
    expect(body.object).toBe('list');
    expect(body.data.map((model: { id: string; object: string }) => [model.id, model.object])).toEqual([
      ['claude', 'model'],
      ['nova', 'model'],
    ]);
  });

  it('v1/endpoints gives each endpoint health and its recent error rate', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({ match: { model: PT_ARN }, fault: { type: 'error', error: 'ThrottlingException' } });
    for (let index = 0; index < 2; index++) {
      expect((await gateway.handle(post('/v1/chat/completions', ask))).status).toBe(200);
    }
    const { data } = json(await gateway.handle(get('/v1/endpoints')));
    const byId = Object.fromEntries(
      data.map((endpoint: { endpointId: string }) => [endpoint.endpointId, endpoint]),
    );
    expect(byId['pt-east']).toMatchObject({
      region: 'us-east-1',
      chains: ['claude'],
      breaker: 'closed',
      recent: { windowSeconds: 60, attempts: 2, failures: 2, errorRate: 1, reasons: { throttled: 2 } },
    });
    expect(byId['haiku-west'].recent).toMatchObject({ attempts: 2, failures: 0, errorRate: 0 });
    expect(byId['nova-west'].recent).toMatchObject({ attempts: 0, errorRate: 0 });
  });
});

describe('deadlines and cancellation', () => {
  it('the request deadline reaches the engine: a slow chain is a 408 ModelTimeoutException', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({ match: {}, fault: { type: 'latency', ms: 5_000 } });
    const request = post('/model/claude/converse', {
      messages: [{ role: 'user', content: [{ text: 'hi' }] }],
    });
    const response = await gateway.handle({ ...request, deadlineMs: 300 });
    expect(response.status).toBe(408);
    expect(response.headers['x-amzn-errortype']).toBe('ModelTimeoutException');
    expect(json(response).message).toMatch(/300 ms deadline/);
    const openai = await gateway.handle({ ...post('/v1/chat/completions', ask), deadlineMs: 300 });
    expect(openai.status).toBe(408);
    expect(json(openai).error.code).toBe('deadline_exceeded');
  });

  it('a client that goes away aborts the upstream call', async () => {
    const { gateway, sim, logs } = await start();
    sim.faults.add({ match: {}, fault: { type: 'latency', ms: 30_000 } });
    const controller = new AbortController();
    const pending = gateway.handle({ ...post('/v1/chat/completions', ask), signal: controller.signal });
    // Give the engine's call time to reach the simulator, so the abort has an upstream call to stop.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    controller.abort();
    const response = await pending;
    expect(response.status).toBe(499);
    expect(logs).toEqual([expect.objectContaining({ status: 499 })]);
    await expect
      .poll(() => sim.requests().map((request) => request.outcome), { timeout: 10_000 })
      .toEqual(['aborted']);
    // Far short of the 30 s latency: the simulator saw the call end when the client went away.
    expect(sim.requests()[0]!.durationMs).toBeLessThan(20_000);
  });
});
