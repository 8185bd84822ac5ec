import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import { decodeChunk, HAIKU, runtimeClient, simulators } from './sdk.js';

const startSimulator = simulators();

/** A system prompt of about 1,500 tokens: over the 1,024-token minimum of a checkpoint. */
const SYSTEM = Array.from({ length: 300 }, (_, index) => `Rule ${index}: be brief.`).join(' ');

function converseInput(question: string, system = SYSTEM): ConverseCommandInput {
  return {
    modelId: HAIKU,
    system: [{ text: system }, { cachePoint: { type: 'default' } }],
    messages: [{ role: 'user', content: [{ text: question }] }],
  };
}

async function converseUsage(region: string, url: string, input: ConverseCommandInput): Promise<TokenUsage> {
  const output = await runtimeClient({ url }, region).send(new ConverseCommand(input));
  return output.usage!;
}

describe('prompt cache', () => {
  test('a cachePoint writes the prefix on the first call and reads it on the next, on that endpoint only', async () => {
    const sim = await startSimulator();
    const first = await converseUsage('us-east-1', sim.url, converseInput('first question'));
    expect(first.cacheWriteInputTokens).toBeGreaterThanOrEqual(1_024);
    expect(first.cacheReadInputTokens).toBe(0);

    const second = await converseUsage('us-east-1', sim.url, converseInput('another question'));
    expect(second.cacheReadInputTokens).toBe(first.cacheWriteInputTokens);
    expect(second.cacheWriteInputTokens).toBe(0);
    expect(second.inputTokens).toBeLessThan(20);
    expect(second.totalTokens).toBe(
      second.inputTokens! + second.outputTokens! + second.cacheReadInputTokens!,
    );

    // Another region is another endpoint: its cache is cold.
    const elsewhere = await converseUsage('us-west-2', sim.url, converseInput('first question'));
    expect(elsewhere.cacheReadInputTokens).toBe(0);
    expect(elsewhere.cacheWriteInputTokens).toBe(first.cacheWriteInputTokens);
  });

  test('an entry expires after its TTL without a hit', async () => {
    const sim = await startSimulator({ promptCache: { ttlMs: 100 } });
    await converseUsage('us-east-1', sim.url, converseInput('one'));
    await sleep(300);
    const later = await converseUsage('us-east-1', sim.url, converseInput('two'));
    expect(later.cacheReadInputTokens).toBe(0);
    expect(later.cacheWriteInputTokens).toBeGreaterThan(0);
  });

  test('a prefix shorter than the minimum is not cached, and a request without checkpoints reports no cache', async () => {
    const sim = await startSimulator();
    const short = await converseUsage('us-east-1', sim.url, converseInput('q', 'Be brief.'));
    expect(short).toMatchObject({ cacheReadInputTokens: 0, cacheWriteInputTokens: 0 });
    const plain = await converseUsage('us-east-1', sim.url, {
      modelId: HAIKU,
      messages: [{ role: 'user', content: [{ text: 'q' }] }],
    });
    expect(plain.cacheReadInputTokens).toBeUndefined();
  });

  test('a later checkpoint in the conversation reads the longest cached prefix and writes the rest', async () => {
    const sim = await startSimulator({ promptCache: { minTokens: 10 } });
    const turn = (answer: string) => ({
      ...converseInput('first'),
      messages: [
        { role: 'user' as const, content: [{ text: 'first' }] },
        { role: 'assistant' as const, content: [{ text: answer }] },
        {
          role: 'user' as const,
          content: [{ text: 'second' }, { cachePoint: { type: 'default' as const } }],
        },
      ],
    });
    const system = await converseUsage('us-east-1', sim.url, converseInput('first'));
    const next = await converseUsage('us-east-1', sim.url, turn('a long enough answer to count'));
    expect(next.cacheReadInputTokens).toBe(system.cacheWriteInputTokens);
    expect(next.cacheWriteInputTokens).toBeGreaterThan(0);
    const again = await converseUsage('us-east-1', sim.url, turn('a long enough answer to count'));
    expect(again.cacheReadInputTokens).toBe(next.cacheReadInputTokens! + next.cacheWriteInputTokens!);
  });

  test("a conversation's checkpoint on its latest message reads the prefix the previous turn cached, looking back over blocks", async () => {
    const sim = await startSimulator();
    const point = { cachePoint: { type: 'default' as const } };
    const first = await converseUsage('us-east-1', sim.url, {
      ...converseInput('q'),
      messages: [{ role: 'user', content: [{ text: 'first question' }, point] }],
    });
    const second = await converseUsage('us-east-1', sim.url, {
      ...converseInput('q'),
      messages: [
        { role: 'user', content: [{ text: 'first question' }] },
        { role: 'assistant', content: [{ text: 'an answer' }] },
        { role: 'user', content: [{ text: 'second question' }, point] },
      ],
    });
    expect(second.cacheReadInputTokens).toBe(first.cacheReadInputTokens! + first.cacheWriteInputTokens!);
    expect(second.cacheWriteInputTokens).toBeGreaterThan(0);
  });

  test('ConverseStream reports cache tokens in its metadata event', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-east-1');
    await client.send(new ConverseCommand(converseInput('warm')));
    const output = await client.send(new ConverseStreamCommand(converseInput('streamed')));
    let usage: TokenUsage | undefined;
    for await (const event of output.stream!) usage ??= event.metadata?.usage;
    expect(usage?.cacheReadInputTokens).toBeGreaterThanOrEqual(1_024);
  });

  test('InvokeModel (Anthropic) caches at cache_control and reports cache_read/cache_creation tokens', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-east-1');
    const body = (question: string) =>
      JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 100,
        system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: question }],
      });
    const invoke = async (question: string) => {
      const output = await client.send(new InvokeModelCommand({ modelId: HAIKU, body: body(question) }));
      return JSON.parse(new TextDecoder().decode(output.body)).usage;
    };
    const first = await invoke('one');
    expect(first.cache_creation_input_tokens).toBeGreaterThanOrEqual(1_024);
    expect(first.cache_read_input_tokens).toBe(0);
    const second = await invoke('two');
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);

    const stream = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body: body('three') }),
    );
    const chunks = [];
    for await (const event of stream.body!) chunks.push(decodeChunk(event));
    const start = chunks.find((chunk) => chunk.type === 'message_start') as {
      message: { usage: Record<string, number> };
    };
    expect(start.message.usage.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    const stop = chunks.find((chunk) => chunk.type === 'message_stop') as Record<
      string,
      Record<string, number>
    >;
    expect(stop['amazon-bedrock-invocationMetrics']!.cacheReadInputTokenCount).toBe(
      first.cache_creation_input_tokens,
    );
  });
});
