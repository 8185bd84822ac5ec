import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { type BedrockHAConfig, createBedrockHA } from '@bedrock-ha/core';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createGateway } from '../src/gateway.js';
import { gatewayHarness, HAIKU, sdkClient } from './harness.js';
import { openaiClient } from './openai-client.js';

const start = gatewayHarness();

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
/** Three equivalent endpoints, first picks spread by weight. */
const SPREAD: BedrockHAConfig = {
  chains: {
    spread: {
      routing: 'weighted',
      endpoints: REGIONS.map((region) => ({ id: region, region, modelId: HAIKU })),
    },
  },
};
/** A system prompt of about 1,500 tokens, over a cache checkpoint's minimum. */
const SYSTEM = Array.from({ length: 300 }, (_, index) => `Rule ${index}: be brief.`).join(' ');

function ask(client: OpenAI, body: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>, headers = {}) {
  return client.chat.completions.create(
    { model: 'spread', messages: [{ role: 'user', content: 'hello' }], ...body },
    { headers },
  );
}

async function servedBy(logs: { endpointId?: string }[], send: () => Promise<unknown>, times: number) {
  const before = logs.length;
  for (let index = 0; index < times; index++) await send();
  return new Set(logs.slice(before).map((entry) => entry.endpointId));
}

describe('prompt-cache affinity through the gateway', () => {
  it('keeps OpenAI requests with one user, prompt_cache_key or x-session-id on one endpoint', async () => {
    const { gateway, logs } = await start({ config: SPREAD });
    const client = openaiClient(gateway);
    expect((await servedBy(logs, () => ask(client, { user: 'alice' }), 8)).size).toBe(1);
    expect((await servedBy(logs, () => ask(client, { prompt_cache_key: 'thread-1' }), 8)).size).toBe(1);
    expect((await servedBy(logs, () => ask(client, {}, { 'x-session-id': 'session-1' }), 8)).size).toBe(1);
    // The header wins over the body's keys: every user here is one session.
    const mixed = await servedBy(
      logs,
      async () => ask(client, { user: `user-${Math.random()}` }, { 'x-session-id': 'session-1' }),
      6,
    );
    expect(mixed.size).toBe(1);
    // Without a key, requests spread by weight.
    expect((await servedBy(logs, () => ask(client, {}), 12)).size).toBeGreaterThan(1);
  });

  it('reports prompt-cache reads as usage.prompt_tokens_details.cached_tokens, the cache marked with cache_control', async () => {
    const { gateway } = await start({ config: SPREAD });
    const client = openaiClient(gateway);
    const system = { type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } };
    const turn = () =>
      ask(client, {
        user: 'cached',
        messages: [
          { role: 'system', content: [system as OpenAI.ChatCompletionContentPartText] },
          { role: 'user', content: 'hello' },
        ],
      });
    const first = await turn();
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const second = await turn();
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThan(1_000);
    // OpenAI's prompt tokens include the cached ones.
    expect(second.usage?.prompt_tokens).toBeGreaterThan(cached);
    expect(second.usage?.total_tokens).toBe(second.usage!.prompt_tokens + second.usage!.completion_tokens);
  });

  it('keeps Bedrock-native requests with an x-session-id (or a configured header) on one endpoint', async () => {
    const { gateway, logs } = await start({ config: SPREAD, gateway: { affinityHeader: 'X-Conversation' } });
    const client = sdkClient(gateway);
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-conversation'] = 'native-1';
        return next(args);
      },
      { step: 'build' },
    );
    const send = () =>
      client.send(
        new ConverseCommand({ modelId: 'spread', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      );
    expect((await servedBy(logs, send, 8)).size).toBe(1);
  });

  it('refuses an affinity header that is no header name, saying how to fix it', () => {
    const ha = createBedrockHA(SPREAD, { telemetry: false });
    try {
      expect(() => createGateway(ha, { affinityHeader: 'session id' })).toThrow(
        /not a header name.*x-session-id/,
      );
    } finally {
      ha.destroy();
    }
  });
});
