import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { createStreamingHandler } from '../src/index.js';
import { startFunctionUrl } from './function-url-emulator.js';
import { CREDENTIALS, haikuConfig, lambdaHarness, TOKYO_PROMPT, throttlePt } from './harness.js';
import { lambdaRuntime } from './lambda-runtime-emulator.js';

// The real AWS SDK, pointed at the streaming handler behind an emulated Function URL: the
// Bedrock-native routes must stay byte-compatible with Bedrock through Lambda's streaming.
const test = lambdaHarness();
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function clientForFunctionUrl(sim: Parameters<typeof haikuConfig>[0]) {
  const handler = test.track(
    createStreamingHandler({ config: haikuConfig(sim), runtime: lambdaRuntime, logger: false }),
  );
  const functionUrl = await startFunctionUrl(handler);
  closers.push(functionUrl.close);
  const client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: functionUrl.url,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  closers.push(async () => client.destroy());
  return client;
}

describe('the AWS SDK against the streaming handler (emulated Function URL)', () => {
  it('streams ConverseStream events to the SDK while the PT throttles', async () => {
    const sim = await test.simulator();
    throttlePt(sim);
    const client = await clientForFunctionUrl(sim);

    const response = await client.send(
      new ConverseStreamCommand({
        modelId: 'claude-haiku',
        messages: [{ role: 'user', content: [{ text: 'Tell me about failover.' }] }],
      }),
    );
    const events: ConverseStreamOutput[] = [];
    for await (const event of response.stream ?? []) events.push(event);

    expect(Object.keys(events[0] ?? {})).toEqual(['messageStart']);
    const text = events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
    expect(text.length).toBeGreaterThan(20);
    expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBeDefined();
    expect(events.at(-1)?.metadata?.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('answers Converse, and raises the SDK error for an unknown chain', async () => {
    const sim = await test.simulator();
    const client = await clientForFunctionUrl(sim);
    const messages = [{ role: 'user' as const, content: [{ text: TOKYO_PROMPT }] }];

    const answer = await client.send(new ConverseCommand({ modelId: 'claude-haiku', messages }));
    const error = await client
      .send(new ConverseCommand({ modelId: 'no-such-chain', messages }))
      .catch((caught: unknown) => caught as Error & { $metadata: { httpStatusCode?: number } });

    expect(answer.output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain('claude-haiku');
  });
});
