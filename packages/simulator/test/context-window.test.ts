import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import { anthropicBody, HAIKU, NOVA, rejection, runtimeClient, simulators, userMessage } from './sdk.js';

const startSimulator = simulators();

/** A prompt of `count` tokens as the simulator counts them (one word, one token). */
const words = (count: number) => Array.from({ length: count }, () => 'word').join(' ');

describe('context windows, enforced with Bedrock messages', () => {
  test('Converse over the window gets "Input is too long for requested model."', async () => {
    const sim = await startSimulator({ models: { [HAIKU]: { contextWindow: 50 } } });
    const client = runtimeClient(sim, 'us-east-1');
    const error = await rejection(
      client.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(words(51)) })),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      'The model returned the following errors: Input is too long for requested model.',
    );
    const stream = await rejection(
      client.send(new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(words(51)) })),
    );
    expect(stream.message).toMatch(/Input is too long for requested model/);
    // At the window exactly, the request is served; usage counts the same tokens.
    const served = await client.send(
      new ConverseCommand({ modelId: HAIKU, messages: userMessage(words(50)) }),
    );
    expect(served.usage?.inputTokens).toBe(50);
  });

  test("InvokeModel on an Anthropic model gets Anthropic's count: prompt is too long: N tokens > M maximum", async () => {
    const sim = await startSimulator({ models: { [HAIKU]: { contextWindow: 20 } } });
    const client = runtimeClient(sim, 'us-east-1');
    const error = await rejection(
      client.send(new InvokeModelCommand({ modelId: HAIKU, body: anthropicBody(words(30)) })),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toBe(
      'The model returned the following errors: prompt is too long: 30 tokens > 20 maximum',
    );
  });

  test('the built-in window is the model’s: a Nova Micro prompt under 128k tokens is served', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-east-1');
    const served = await client.send(
      new ConverseCommand({ modelId: NOVA, messages: userMessage(words(2_000)) }),
    );
    expect(served.usage?.inputTokens).toBe(2_000);
  });
});
