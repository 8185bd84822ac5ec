import { breakerStaysOpen, chatTraffic, scrapeMetrics, total } from '@bedrock-ha/test-kit';
import { describe, expect, it } from 'vitest';
import { API_KEY, configFor, harness, openaiClient, PRIMARY_PT } from './harness.js';

const test = harness();
const REQUESTS = 6;

describe('Prometheus metrics', () => {
  it('exports requests, attempts by outcome and reason, failovers, breaker state, latency, tokens and capacity use', async () => {
    const sim = await test.simulator();
    // The PT throttles every call: its breaker opens after two, and the rest skip it.
    sim.faults.add({ match: { model: PRIMARY_PT }, fault: { type: 'error', error: 'ThrottlingException' } });
    const { server } = await test.server(sim, {
      config: { ...configFor(sim), policy: breakerStaysOpen(2) },
      metrics: { port: 0, gatewayRoute: true },
    });
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await chatTraffic(openaiClient(server.url), REQUESTS);

    const { samples, types } = await scrapeMetrics(server.metricsUrl!);
    const chat = { bedrock_ha_chain: 'chat' };
    // Requests and their latency: one histogram observation per request.
    expect(types.get('gen_ai_client_operation_duration')).toBe('histogram');
    expect(total(samples, 'gen_ai_client_operation_duration_count', chat)).toBe(REQUESTS);
    expect(total(samples, 'gen_ai_client_operation_duration_bucket', { ...chat, le: '+Inf' })).toBe(REQUESTS);
    // Attempts by outcome and reason.
    const attempts = (labels: Record<string, string>) => total(samples, 'bedrock_ha_attempts_total', labels);
    const primary = { bedrock_ha_endpoint_id: 'primary' };
    expect(
      attempts({ ...primary, bedrock_ha_attempt_outcome: 'failure', bedrock_ha_failure_reason: 'throttled' }),
    ).toBe(2);
    expect(
      attempts({
        ...primary,
        bedrock_ha_attempt_outcome: 'skipped',
        bedrock_ha_failure_reason: 'circuit-open',
      }),
    ).toBe(REQUESTS - 2);
    expect(attempts({ bedrock_ha_endpoint_id: 'backup', bedrock_ha_attempt_outcome: 'success' })).toBe(
      REQUESTS,
    );
    // Failovers, by reason.
    const failovers = (reason: string) =>
      total(samples, 'bedrock_ha_failovers_total', {
        bedrock_ha_failover_from: 'primary',
        bedrock_ha_failure_reason: reason,
      });
    expect([failovers('throttled'), failovers('circuit-open')]).toEqual([2, REQUESTS - 2]);
    // Breaker state per endpoint, from health(): every endpoint, one series per state.
    const breaker = (endpoint: string, state: string) =>
      total(samples, 'bedrock_ha_endpoint_breaker', {
        bedrock_ha_endpoint_id: endpoint,
        bedrock_ha_breaker_state: state,
      });
    expect([breaker('primary', 'open'), breaker('primary', 'closed'), breaker('backup', 'closed')]).toEqual([
      1, 0, 1,
    ]);
    expect(
      total(samples, 'bedrock_ha_breaker_transitions_total', {
        ...primary,
        bedrock_ha_breaker_state: 'open',
      }),
    ).toBe(1);
    // Tokens, by type.
    const tokens = (type: string) =>
      total(samples, 'gen_ai_client_token_usage_sum', { ...chat, gen_ai_token_type: type });
    expect(tokens('input')).toBeGreaterThan(0);
    expect(tokens('output')).toBeGreaterThan(0);
    // Capacity use this minute, and nothing in flight once every answer is in.
    const backup = { bedrock_ha_endpoint_id: 'backup' };
    expect(total(samples, 'bedrock_ha_endpoint_minute_requests', backup)).toBe(REQUESTS);
    expect(total(samples, 'bedrock_ha_endpoint_minute_tokens', backup)).toBe(
      tokens('input') + tokens('output'),
    );
    expect(total(samples, 'bedrock_ha_endpoint_active')).toBe(0);

    // The same exposition on the gateway's port, behind its API key.
    const mainPort = `${server.url}/metrics`;
    expect((await fetch(mainPort)).status).toBe(401);
    const behindAuth = await scrapeMetrics(mainPort, { authorization: `Bearer ${API_KEY}` });
    expect(total(behindAuth.samples, 'bedrock_ha_attempts_total')).toBe(
      total(samples, 'bedrock_ha_attempts_total'),
    );
  });

  it('counts prompt-cache reads and writes: by token type, and per endpoint this minute', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, { metrics: { port: 0 } });
    const openai = openaiClient(server.url);
    // A system prompt of about 1,500 tokens behind a cache checkpoint (over its minimum).
    const system = {
      type: 'text' as const,
      text: Array.from({ length: 300 }, (_, index) => `Rule ${index}: be brief.`).join(' '),
      cache_control: { type: 'ephemeral' },
    };
    const cached: number[] = [];
    for (let turn = 0; turn < 2; turn++) {
      const answer = await openai.chat.completions.create({
        model: 'chat',
        messages: [
          { role: 'system', content: [system] },
          { role: 'user', content: 'hello' },
        ],
      });
      cached.push(answer.usage?.prompt_tokens_details?.cached_tokens ?? 0);
    }
    // The first turn writes the cache, the second reads it.
    expect(cached[0]).toBe(0);
    expect(cached[1]).toBeGreaterThan(1_000);

    const { samples } = await scrapeMetrics(server.metricsUrl!);
    const tokens = (type: string) =>
      total(samples, 'gen_ai_client_token_usage_sum', { bedrock_ha_chain: 'chat', gen_ai_token_type: type });
    expect(tokens('cache_read')).toBe(cached[1]);
    expect(tokens('cache_creation')).toBeGreaterThan(1_000);
    const primary = { bedrock_ha_endpoint_id: 'primary' };
    expect(total(samples, 'bedrock_ha_endpoint_minute_cache_read_tokens', primary)).toBe(cached[1]);
    expect(total(samples, 'bedrock_ha_endpoint_minute_cache_write_tokens', primary)).toBe(
      tokens('cache_creation'),
    );
    expect(
      total(samples, 'bedrock_ha_endpoint_minute_cache_read_tokens', { bedrock_ha_endpoint_id: 'backup' }),
    ).toBe(0);
  });

  it('serves only GET /metrics on its own port, and no /metrics on the gateway unless asked', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, { metrics: { port: 0 } });
    expect((await fetch(server.metricsUrl!.replace('/metrics', '/'))).status).toBe(404);
    // Before any request: the health gauges already list every configured endpoint.
    const { samples } = await scrapeMetrics(server.metricsUrl!);
    expect(total(samples, 'bedrock_ha_endpoint_breaker', { bedrock_ha_breaker_state: 'closed' })).toBe(2);
    const gateway = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(gateway.status).toBe(404);
  });

  it('fails to start, releasing the gateway port, when the metrics port is taken', async () => {
    const sim = await test.simulator();
    const { server: first } = await test.server(sim, { metrics: { port: 0 } });
    const port = Number(new URL(first.metricsUrl!).port);
    await expect(test.server(sim, { metrics: { port } })).rejects.toThrow(/EADDRINUSE/);
  });
});
