import { describe, expect, it } from 'vitest';
import { chunks, gatewayHarness, json, PT_ARN, post, sseData, TOKYO_PROMPT } from './harness.js';

const start = gatewayHarness();
const ask = (extra: Record<string, unknown> = {}) => ({
  model: 'claude',
  messages: [{ role: 'user', content: TOKYO_PROMPT }],
  ...extra,
});

describe('POST /v1/chat/completions', () => {
  it('answers a chat completion from the chain and says which endpoint served it', async () => {
    const { gateway, logs } = await start();
    const response = await gateway.handle(post('/v1/chat/completions', ask()));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-bedrock-ha-endpoint']).toBe('pt-east');
    expect(response.headers['x-bedrock-ha-region']).toBe('us-east-1');
    expect(response.headers['x-bedrock-ha-attempts']).toBe('1');
    const body = json(response);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'claude',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Tokyo' }, finish_reason: 'stop' }],
    });
    expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(logs).toEqual([
      expect.objectContaining({
        route: 'POST /v1/chat/completions',
        chain: 'claude',
        status: 200,
        endpointId: 'pt-east',
      }),
    ]);
    // Ids are drawn from a pool of random bytes: the next answer gets another.
    const next = json(await gateway.handle(post('/v1/chat/completions', ask())));
    expect(next.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(next.id).not.toBe(body.id);
  });

  it('maps service_tier to Bedrock’s tier: the PT refuses flex, so us-west-2 serves at flex', async () => {
    const { gateway, sim } = await start();
    const response = await gateway.handle(post('/v1/chat/completions', ask({ service_tier: 'flex' })));
    expect(response.status).toBe(200);
    expect(response.headers['x-bedrock-ha-endpoint']).toBe('haiku-west');
    expect(response.headers['x-bedrock-ha-attempts']).toBe('2');
    expect(json(response).service_tier).toBe('flex');
    expect(sim.requests().map((request) => [request.outcome, request.serviceTier])).toEqual([
      ['ValidationException', undefined],
      ['success', 'flex'],
    ]);
    const auto = await gateway.handle(post('/v1/chat/completions', ask({ service_tier: 'auto' })));
    expect(auto.headers['x-bedrock-ha-endpoint']).toBe('pt-east');
    expect(json(auto).service_tier).toBeUndefined();
  });

  it('fails over to us-west-2 when the PT throttles', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({ match: { model: PT_ARN }, fault: { type: 'error', error: 'ThrottlingException' } });
    const response = await gateway.handle(post('/v1/chat/completions', ask()));
    expect(response.status).toBe(200);
    expect(response.headers['x-bedrock-ha-endpoint']).toBe('haiku-west');
    expect(response.headers['x-bedrock-ha-region']).toBe('us-west-2');
    expect(response.headers['x-bedrock-ha-attempts']).toBe('2');
    expect(json(response).choices[0].message.content).toBe('Tokyo');
  });

  it('streams chunks: the role, the text, the finish reason, the usage, then [DONE]', async () => {
    const { gateway, sim, logs } = await start();
    sim.faults.add({ match: { model: PT_ARN }, fault: { type: 'error', error: 'ThrottlingException' } });
    const response = await gateway.handle(
      post('/v1/chat/completions', ask({ stream: true, stream_options: { include_usage: true } })),
    );
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(response.headers['x-bedrock-ha-endpoint']).toBe('haiku-west');
    expect(logs).toEqual([]);
    const events = sseData(await chunks(response));
    expect(events.at(-1)).toBe('[DONE]');
    const [first, ...rest] = events.slice(0, -1);
    expect(first).toMatchObject({
      object: 'chat.completion.chunk',
      model: 'claude',
      choices: [{ delta: { role: 'assistant' } }],
    });
    const withChoices = rest.filter((event) => event.choices.length > 0);
    expect(withChoices.map((event) => event.choices[0].delta.content ?? '').join('')).toBe('Tokyo');
    expect(withChoices.at(-1).choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    const usage = rest.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.completion_tokens).toBeGreaterThan(0);
    expect(new Set(events.slice(0, -1).map((event) => event.id)).size).toBe(1);
    expect(logs).toEqual([expect.objectContaining({ status: 200, endpointId: 'haiku-west', attempts: 2 })]);
  });
});
