import { defaultClientFactory } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import { createDirectInvokeHandler } from '../src/index.js';
import { CREDENTIALS, HAIKU, lambdaContext, lambdaHarness, recordingLogger } from './harness.js';
import { startReasoningModel } from './reasoning-model-server.js';

// A direct invocation's event and result are JSON (Step Functions carries nothing else): blobs
// travel as base64 both ways, as on Bedrock's own wire.
const test = lambdaHarness();
/** A 1x1 PNG. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

describe('direct invocations carry blobs as base64', () => {
  it('sends an image block to Bedrock with its bytes encoded once', async () => {
    const sim = await test.simulator();
    // The real SDK client, with a step that keeps each serialized request body, as sent.
    const wireBodies: string[] = [];
    const handler = test.track(
      createDirectInvokeHandler({
        config: {
          client: { endpoint: sim.url, credentials: CREDENTIALS },
          chains: { vision: { endpoints: [{ region: 'us-west-2', modelId: HAIKU }] } },
        },
        engineOptions: {
          clientFactory: (spec) => {
            const client = defaultClientFactory(spec);
            client.middlewareStack.add(
              (next) => async (args) => {
                const { body } = args.request as { body: string | Uint8Array };
                // TextDecoder reads the bytes; Buffer.from(body) would call the SDK body's valueOf(),
                // which it answers with a "string method on a Uint8Array" warning.
                wireBodies.push(typeof body === 'string' ? body : new TextDecoder().decode(body));
                return next(args);
              },
              { step: 'finalizeRequest' },
            );
            return client;
          },
        },
        logger: false,
      }),
    );
    const event = {
      chain: 'vision',
      input: {
        messages: [
          {
            role: 'user',
            content: [
              { text: 'What is in this picture?' },
              { image: { format: 'png', source: { bytes: PNG_BASE64 } } },
            ],
          },
        ],
      },
    };

    const result = await handler(event, lambdaContext());

    expect(result.stopReason).toBe('end_turn');
    expect(sim.requests().map((request) => request.outcome)).toEqual(['success']);
    expect(wireBodies).toHaveLength(1);
    const sent = JSON.parse(wireBodies[0] ?? '{}');
    expect(sent.messages[0].content[1]).toEqual({ image: { format: 'png', source: { bytes: PNG_BASE64 } } });
    // The caller's event is left as it was sent.
    expect(event.input.messages[0]?.content[1]).toEqual({
      image: { format: 'png', source: { bytes: PNG_BASE64 } },
    });
  });

  it('rejects bytes that are not base64 with InvalidEventError naming the member', async () => {
    const sim = await test.simulator();
    const handler = test.track(
      createDirectInvokeHandler({
        config: {
          client: { endpoint: sim.url, credentials: CREDENTIALS },
          chains: { vision: { endpoints: [{ region: 'us-west-2', modelId: HAIKU }] } },
        },
        logger: false,
      }),
    );
    const event = {
      chain: 'vision',
      input: {
        messages: [
          { role: 'user', content: [{ image: { format: 'png', source: { bytes: 'not base64!' } } }] },
        ],
      },
    };

    const error = await handler(event, lambdaContext()).catch((caught: unknown) => caught as Error);

    expect(error).toMatchObject({ name: 'InvalidEventError' });
    expect((error as Error).message).toMatch(
      /"input".*messages\.0\.member\.content\.0\.member\.image\.source\.bytes/,
    );
    expect(sim.requests()).toHaveLength(0);
  });
});

describe('direct converseStream collects every kind of content block', () => {
  it('keeps reasoning (text and signature, or redacted bytes), text and tool use, with no empty blocks', async () => {
    const model = await startReasoningModel([
      ['messageStart', { role: 'assistant' }],
      [
        'contentBlockDelta',
        { contentBlockIndex: 0, delta: { reasoningContent: { text: 'The user wants ' } } },
      ],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'a city.' } } }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig-abc' } } }],
      ['contentBlockStop', { contentBlockIndex: 0 }],
      [
        'contentBlockDelta',
        { contentBlockIndex: 1, delta: { reasoningContent: { redactedContent: 'AQID' } } },
      ],
      ['contentBlockStop', { contentBlockIndex: 1 }],
      ['contentBlockDelta', { contentBlockIndex: 2, delta: { text: 'Tokyo' } }],
      ['contentBlockStop', { contentBlockIndex: 2 }],
      [
        'contentBlockStart',
        { contentBlockIndex: 3, start: { toolUse: { toolUseId: 'tool-1', name: 'lookup' } } },
      ],
      ['contentBlockDelta', { contentBlockIndex: 3, delta: { toolUse: { input: '{"city":' } } }],
      ['contentBlockDelta', { contentBlockIndex: 3, delta: { toolUse: { input: '"Tokyo"}' } } }],
      ['contentBlockStop', { contentBlockIndex: 3 }],
      ['messageStop', { stopReason: 'tool_use' }],
      [
        'metadata',
        { usage: { inputTokens: 5, outputTokens: 9, totalTokens: 14 }, metrics: { latencyMs: 12 } },
      ],
    ]);
    const { entries, logger } = recordingLogger();
    const handler = test.track(
      createDirectInvokeHandler({
        config: {
          client: { endpoint: model.url, credentials: CREDENTIALS },
          chains: { thinker: { endpoints: [{ region: 'us-west-2', modelId: HAIKU }] } },
        },
        logger,
      }),
    );

    try {
      const result = await handler(
        {
          operation: 'converseStream',
          chain: 'thinker',
          input: { messages: [{ role: 'user', content: [{ text: 'hi' }] }] },
        },
        lambdaContext(),
      );

      // What Lambda returns is JSON: the redacted bytes are base64, as on Bedrock's wire.
      expect(JSON.parse(JSON.stringify(result)).output.message.content).toEqual([
        { reasoningContent: { reasoningText: { text: 'The user wants a city.', signature: 'sig-abc' } } },
        { reasoningContent: { redactedContent: 'AQID' } },
        { text: 'Tokyo' },
        { toolUse: { toolUseId: 'tool-1', name: 'lookup', input: { city: 'Tokyo' } } },
      ]);
      expect(result.stopReason).toBe('tool_use');
      expect(result.usage).toEqual({ inputTokens: 5, outputTokens: 9, totalTokens: 14 });
      expect(entries).toMatchObject([{ level: 'INFO', route: 'invoke converseStream', status: 200 }]);
    } finally {
      await model.close();
    }
  });
});
