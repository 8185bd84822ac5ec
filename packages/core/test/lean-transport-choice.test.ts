// Which requests take the lean transport, seen through the public API: a lean answer carries its
// upstream bytes (`rawBytesOf`), an SDK-path answer does not.
import { HAIKU, userMessage } from '@bedrock-ha/test-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BedrockHAConfig, defaultClientFactory, rawBytesOf } from '../src/index.js';
import { harness } from './harness.js';

const { simulator, engine } = harness();

afterEach(() => {
  vi.unstubAllEnvs();
});

function config(transport?: 'lean' | 'sdk'): BedrockHAConfig {
  return {
    ...(transport && { client: { transport } }),
    chains: { haiku: { endpoints: [{ id: 'east', region: 'us-east-1', modelId: HAIKU }] } },
  };
}

const messages = userMessage('what is the largest city in the world?');

describe('the transport a request takes', () => {
  it('is the lean one by default: answers and stream events carry their upstream bytes', async () => {
    const sim = await simulator();
    const ha = engine(sim, config());
    const answer = await ha.converse('haiku', { messages });
    const bytes = rawBytesOf(answer);
    expect(bytes).toBeInstanceOf(Uint8Array);
    // The bytes are the response body: the answer's text is in them.
    expect(JSON.parse(new TextDecoder().decode(bytes)).output.message.content[0].text).toBe(
      answer.output?.message?.content?.[0]?.text,
    );
    const stream = await ha.converseStream('haiku', { messages });
    for await (const event of stream.stream ?? []) expect(rawBytesOf(event)).toBeInstanceOf(Uint8Array);
  });

  it("is the SDK's with transport: 'sdk', with BEDROCK_HA_TRANSPORT=sdk, and under a bearer token", async () => {
    const sim = await simulator();
    expect(rawBytesOf(await engine(sim, config('sdk')).converse('haiku', { messages }))).toBeUndefined();
    vi.stubEnv('BEDROCK_HA_TRANSPORT', 'sdk');
    expect(rawBytesOf(await engine(sim, config('lean')).converse('haiku', { messages }))).toBeUndefined();
    vi.stubEnv('BEDROCK_HA_TRANSPORT', '');
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', 'token-for-the-sdk');
    expect(rawBytesOf(await engine(sim, config()).converse('haiku', { messages }))).toBeUndefined();
  });

  it('is the SDK path for a request with middleware, which then runs on the real request', async () => {
    const sim = await simulator();
    const ha = engine(sim, config());
    const seen: string[] = [];
    const answer = await ha.converse(
      'haiku',
      { messages },
      {
        middleware: {
          applyToStack(stack) {
            stack.add(
              (next) => async (args) => {
                seen.push((args.request as { path: string }).path);
                return next(args);
              },
              { step: 'finalizeRequest', name: 'seePath' },
            );
          },
        },
      },
    );
    expect(rawBytesOf(answer)).toBeUndefined();
    expect(seen).toEqual([`/model/${encodeURIComponent(HAIKU)}/converse`]);
    // The drop-in client's own stack: what a user adds to it runs, on the SDK path.
    ha.client.middlewareStack?.add(
      (next) => async (args) => {
        seen.push('drop-in');
        return next(args);
      },
      { step: 'build', name: 'dropInSeen' },
    );
    const { ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
    const dropIn = await ha.client.send(new ConverseCommand({ modelId: 'haiku', messages }));
    expect(rawBytesOf(dropIn)).toBeUndefined();
    expect(seen).toContain('drop-in');
  });

  it('is the SDK path for a clientFactory of your own, even one that returns default clients', async () => {
    const sim = await simulator();
    const ha = engine(sim, config(), { clientFactory: (spec) => defaultClientFactory(spec) });
    expect(rawBytesOf(await ha.converse('haiku', { messages }))).toBeUndefined();
  });
});
