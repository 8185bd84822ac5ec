import { fileURLToPath } from 'node:url';
import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { loadScenario, type Simulator } from '../src/index.js';
import {
  anthropicBody,
  countWords,
  drain,
  HAIKU,
  runtimeClient,
  simulators,
  TOKYO_PROMPT,
  userMessage,
} from './sdk.js';

const startSimulator = simulators();
const scenario = fileURLToPath(new URL('../scenarios/tpm-reservation.yaml', import.meta.url));
const CAPACITY_KEY = `on-demand:us-east-1:${HAIKU}`;
const HAIKU_MAX_OUTPUT = 4096;

async function start(): Promise<Simulator> {
  return startSimulator(await loadScenario(scenario));
}

function converse(sim: Simulator, maxTokens?: number) {
  return runtimeClient(sim, 'us-east-1').send(
    new ConverseCommand({
      modelId: HAIKU,
      messages: userMessage(TOKYO_PROMPT),
      ...(maxTokens !== undefined && { inferenceConfig: { maxTokens } }),
    }),
  );
}

function throttled(results: PromiseSettledResult<unknown>[]): unknown[] {
  return results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
}

describe('tokens per minute reserved at admission (tpm-reservation)', () => {
  it('reserves the model maximum output for a request without maxTokens: only one fits in 6,000 tokens', async () => {
    const sim = await start();
    const results = await Promise.allSettled([converse(sim), converse(sim), converse(sim)]);
    const refused = throttled(results);
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ThrottlingException);
      expect((error as Error).message).toBe('Too many tokens, please wait before trying again.');
    }
    expect(sim.capacity()[CAPACITY_KEY]!.throttled).toEqual({ tokens: 2 });
  });

  it('reserves input + maxTokens when it is set: many small requests fit at once', async () => {
    const sim = await start();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => converse(sim, 50)));
    expect(throttled(results)).toEqual([]);
  });

  it('reads max_tokens from an Anthropic InvokeModel body', async () => {
    const sim = await start();
    const invoke = (maxTokens: number) =>
      runtimeClient(sim, 'us-east-1').send(
        new InvokeModelCommand({
          modelId: HAIKU,
          body: anthropicBody(TOKYO_PROMPT, { max_tokens: maxTokens }),
        }),
      );
    expect(throttled(await Promise.allSettled([invoke(4000), invoke(4000)]))).toHaveLength(1);
    expect(throttled(await Promise.allSettled([invoke(100), invoke(100)]))).toEqual([]);
  });

  it('holds the reservation while the request runs and corrects it to the actual output at settlement', async () => {
    const sim = await start();
    const pending = converse(sim);
    // firstTokenMs is 300 ms: the request is admitted and not yet answered.
    await expect.poll(() => sim.capacity()[CAPACITY_KEY]?.inFlight).toBe(1);
    const inputTokens = countWords(TOKYO_PROMPT);
    expect(sim.capacity()[CAPACITY_KEY]!.reservedTokens).toBe(inputTokens + HAIKU_MAX_OUTPUT);
    const answer = await pending;
    const snapshot = sim.capacity()[CAPACITY_KEY]!;
    expect(snapshot).toMatchObject({ inFlight: 0, reservedTokens: 0, usedTokens: answer.usage!.totalTokens });
    // What came back is available again: a second request without maxTokens fits right away.
    await expect(converse(sim)).resolves.toBeDefined();
    expect(sim.counters({ region: 'us-east-1' })[0]!.tokens).toEqual({
      reserved: 2 * (inputTokens + HAIKU_MAX_OUTPUT),
      input: 2 * inputTokens,
      output: 2 * answer.usage!.outputTokens!,
    });
  });

  it('counts input tokens deterministically: words and punctuation of the system prompt and every turn', async () => {
    const sim = await start();
    const system = 'You answer in one word.';
    const answer = await runtimeClient(sim, 'us-east-1').send(
      new ConverseCommand({
        modelId: HAIKU,
        system: [{ text: system }],
        messages: userMessage(TOKYO_PROMPT),
        inferenceConfig: { maxTokens: 10 },
      }),
    );
    expect(answer.usage!.inputTokens).toBe(countWords(system) + countWords(TOKYO_PROMPT));
    expect(sim.requests().at(-1)).toMatchObject({
      inputTokens: answer.usage!.inputTokens,
      reservedTokens: answer.usage!.inputTokens! + 10,
      outputTokens: answer.usage!.outputTokens,
    });
  });

  it('charges a cut stream only the output it delivered', async () => {
    const sim = await start();
    sim.faults.add({
      match: { operation: 'ConverseStream' },
      fault: { type: 'stream-cut', afterEvents: 4, mode: 'end' },
    });
    const output = await runtimeClient(sim, 'us-east-1').send(
      new ConverseStreamCommand({
        modelId: HAIKU,
        messages: userMessage('explain failover'),
        inferenceConfig: { maxTokens: 200 },
      }),
    );
    const { events } = await drain(output.stream);
    // messageStart and three text deltas arrived before the cut.
    const delivered = events.filter((event) => event.contentBlockDelta).length;
    expect(delivered).toBe(3);
    const record = sim.requests().at(-1)!;
    expect(record).toMatchObject({ outcome: 'stream-cut', outputTokens: delivered });
    expect(sim.capacity()[CAPACITY_KEY]).toMatchObject({
      reservedTokens: 0,
      usedTokens: record.inputTokens! + delivered,
    });
  });
});
