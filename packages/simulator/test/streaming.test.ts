import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test, vi } from 'vitest';
import {
  anthropicBody,
  countWords,
  decodeChunk,
  drain,
  eventName,
  firstWords,
  HAIKU,
  NOVA,
  novaBody,
  prefilledAnthropicBody,
  prefilledMessages,
  runtimeClient,
  simulators,
  TOKYO_PROMPT,
  TRANSPORTS,
  textOf,
  userMessage,
} from './sdk.js';

const startSimulator = simulators();

const PROMPT = 'how does failover work';
const TOOLS: ConverseStreamCommandInput['toolConfig'] = {
  tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }],
  toolChoice: { tool: { name: 'get_weather' } },
};

function converseStream(client: BedrockRuntimeClient, input: Partial<ConverseStreamCommandInput> = {}) {
  return client.send(new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(PROMPT), ...input }));
}

function deltaText(events: ConverseStreamOutput[]): string {
  return events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
}

describe.each(TRANSPORTS)('streaming over $transport', ({ http1 }) => {
  describe('ConverseStream', () => {
    test('sends messageStart, text deltas, contentBlockStop, messageStop and metadata, in that order', async () => {
      const sim = await startSimulator();
      const { events, error } = await drain(
        (await converseStream(runtimeClient(sim, 'us-east-1', { http1 }))).stream,
      );

      expect(error).toBeUndefined();
      const names = events.map(eventName);
      const deltas = names.filter((name) => name === 'contentBlockDelta').length;
      expect(deltas).toBeGreaterThan(1);
      expect(names).toEqual([
        'messageStart',
        ...Array<string>(deltas).fill('contentBlockDelta'),
        'contentBlockStop',
        'messageStop',
        'metadata',
      ]);
      expect(events[0]?.messageStart).toEqual({ role: 'assistant' });
      expect(
        events.every((event) => (event.contentBlockDelta ?? event.contentBlockStop)?.contentBlockIndex !== 1),
      ).toBe(true);
    });

    test('deltas concatenate to the Converse text, with the same stop reason and usage', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });

      const answer = await client.send(
        new ConverseCommand({ modelId: HAIKU, messages: userMessage(PROMPT) }),
      );
      const { events } = await drain((await converseStream(client)).stream);

      const text = deltaText(events);
      expect(text).toBe(textOf(answer.output?.message?.content));
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe(answer.stopReason);
      const metadata = events.at(-1)?.metadata;
      expect(metadata?.usage).toEqual(answer.usage);
      expect(metadata?.usage?.outputTokens).toBe(countWords(text));
      expect(metadata?.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
    });

    test('answers the seed prompt with one "Tokyo" delta', async () => {
      const sim = await startSimulator();
      const { events } = await drain(
        (
          await converseStream(runtimeClient(sim, 'us-east-1', { http1 }), {
            messages: userMessage(TOKYO_PROMPT),
          })
        ).stream,
      );
      expect(deltaText(events)).toBe('Tokyo');
    });

    test('streams a forced tool call as contentBlockStart, a toolUse input delta and stopReason tool_use', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });

      const answer = await client.send(
        new ConverseCommand({ modelId: HAIKU, messages: userMessage(PROMPT), toolConfig: TOOLS }),
      );
      const { events } = await drain((await converseStream(client, { toolConfig: TOOLS })).stream);

      expect(events.map(eventName)).toEqual([
        'messageStart',
        'contentBlockStart',
        'contentBlockDelta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ]);
      const toolUse = answer.output?.message?.content?.[0]?.toolUse;
      expect(events[1]?.contentBlockStart).toEqual({
        contentBlockIndex: 0,
        start: { toolUse: { toolUseId: toolUse?.toolUseId, name: 'get_weather' } },
      });
      const input = events[2]?.contentBlockDelta?.delta?.toolUse?.input;
      expect(JSON.parse(input ?? 'null')).toEqual(toolUse?.input);
      expect(events[4]?.messageStop?.stopReason).toBe('tool_use');
    });

    test('streams only the continuation of an assistant prefill, counting only its tokens', async () => {
      const sim = await startSimulator({ models: { '*': { outputTokens: 60 } } });
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const full = deltaText((await drain((await converseStream(client)).stream)).events);
      const prefill = firstWords(full, 9);

      const { events, error } = await drain(
        (await converseStream(client, { messages: prefilledMessages(PROMPT, prefill) })).stream,
      );

      expect(error).toBeUndefined();
      const continuation = deltaText(events);
      expect(prefill + continuation).toBe(full);
      expect(countWords(continuation)).toBe(60 - countWords(prefill));
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('end_turn');
      expect(events.at(-1)?.metadata?.usage?.outputTokens).toBe(countWords(continuation));
    });

    test('ends a stream whose prefill already holds the whole answer with no deltas', async () => {
      const sim = await startSimulator();
      const { events, error } = await drain(
        (
          await converseStream(runtimeClient(sim, 'us-east-1', { http1 }), {
            messages: prefilledMessages(TOKYO_PROMPT, 'Tokyo'),
          })
        ).stream,
      );

      expect(error).toBeUndefined();
      expect(events.map(eventName)).toEqual(['messageStart', 'contentBlockStop', 'messageStop', 'metadata']);
      expect(events[2]?.messageStop?.stopReason).toBe('end_turn');
    });

    test('stops streaming at maxTokens with stopReason max_tokens', async () => {
      const sim = await startSimulator();
      const { events } = await drain(
        (
          await converseStream(runtimeClient(sim, 'us-east-1', { http1 }), {
            inferenceConfig: { maxTokens: 4 },
          })
        ).stream,
      );
      expect(events.filter((event) => event.contentBlockDelta)).toHaveLength(4);
      expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('max_tokens');
    });
  });

  describe('InvokeModelWithResponseStream', () => {
    test('streams Anthropic chunks whose text deltas equal the InvokeModel text, ending with invocation metrics', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const body = anthropicBody(PROMPT);

      const whole = JSON.parse(
        (
          await client.send(new InvokeModelCommand({ modelId: HAIKU, body, contentType: 'application/json' }))
        ).body.transformToString(),
      );
      const output = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body, contentType: 'application/json' }),
      );
      const { events, error } = await drain(output.body);

      expect(error).toBeUndefined();
      expect(output.contentType).toBe('application/json');
      const chunks = events.map(decodeChunk);
      const types = chunks.map((chunk) => chunk.type);
      expect(types[0]).toBe('message_start');
      expect(types[1]).toBe('content_block_start');
      expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
      expect(new Set(types.slice(2, -3))).toEqual(new Set(['content_block_delta']));
      const text = chunks
        .map((chunk) => (chunk.delta as { text?: string } | undefined)?.text ?? '')
        .filter((_, index) => types[index] === 'content_block_delta')
        .join('');
      expect(text).toBe(whole.content[0].text);
      expect(chunks.at(-2)).toMatchObject({
        delta: { stop_reason: 'end_turn' },
        usage: { output_tokens: whole.usage.output_tokens },
      });
      expect(chunks.at(-1)?.['amazon-bedrock-invocationMetrics']).toMatchObject({
        inputTokenCount: whole.usage.input_tokens,
        outputTokenCount: whole.usage.output_tokens,
      });
    });

    test('streams only the continuation of an Anthropic prefill', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const whole = JSON.parse(
        (
          await client.send(new InvokeModelCommand({ modelId: HAIKU, body: anthropicBody(PROMPT) }))
        ).body.transformToString(),
      );
      const prefill = firstWords(whole.content[0].text, 5);

      const output = await client.send(
        new InvokeModelWithResponseStreamCommand({
          modelId: HAIKU,
          body: prefilledAnthropicBody(PROMPT, prefill),
        }),
      );
      const chunks = (await drain(output.body)).events.map(decodeChunk);

      const text = chunks
        .filter((chunk) => chunk.type === 'content_block_delta')
        .map((chunk) => (chunk.delta as { text: string }).text)
        .join('');
      expect(prefill + text).toBe(whole.content[0].text);
      expect(chunks.at(-2)).toMatchObject({ usage: { output_tokens: countWords(text) } });
    });

    test('streams an Anthropic forced tool call as tool_use with an input_json_delta', async () => {
      const sim = await startSimulator();
      const body = anthropicBody(PROMPT, {
        tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'lookup' },
      });
      const output = await runtimeClient(sim, 'us-east-1', { http1 }).send(
        new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body }),
      );
      const chunks = (await drain(output.body)).events.map(decodeChunk);

      expect(chunks[1]).toMatchObject({
        type: 'content_block_start',
        content_block: { type: 'tool_use', name: 'lookup' },
      });
      expect(chunks[2]).toMatchObject({
        type: 'content_block_delta',
        delta: { type: 'input_json_delta', partial_json: '{}' },
      });
      expect(chunks.find((chunk) => chunk.type === 'message_delta')).toMatchObject({
        delta: { stop_reason: 'tool_use' },
      });
    });

    test('streams Nova chunks: messageStart, text deltas, contentBlockStop, messageStop, metadata', async () => {
      const sim = await startSimulator();
      const output = await runtimeClient(sim, 'us-east-1', { http1 }).send(
        new InvokeModelWithResponseStreamCommand({ modelId: NOVA, body: novaBody(TOKYO_PROMPT) }),
      );
      const chunks = (await drain(output.body)).events.map(decodeChunk);

      expect(chunks.map((chunk) => Object.keys(chunk)[0])).toEqual([
        'messageStart',
        'contentBlockDelta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ]);
      expect(chunks[1]).toEqual({ contentBlockDelta: { delta: { text: 'Tokyo' }, contentBlockIndex: 0 } });
      expect(chunks.at(-1)).toMatchObject({
        metadata: { usage: { outputTokens: 1 } },
        'amazon-bedrock-invocationMetrics': { outputTokenCount: 1 },
      });
    });
  });

  describe('pacing', () => {
    const FIRST_TOKEN_MS = 100;
    const TOKENS_PER_SECOND = 200;
    const behaviour = {
      models: { '*': { firstTokenMs: FIRST_TOKEN_MS, tokensPerSecond: TOKENS_PER_SECOND } },
    };

    test('the first content arrives after firstTokenMs and the stream lasts about outputTokens / tokensPerSecond', async () => {
      const sim = await startSimulator(behaviour);
      const client = runtimeClient(sim, 'us-east-1', { http1 });

      const startedAt = performance.now();
      const output = await converseStream(client);
      const arrivals: number[] = [];
      let outputTokens = 0;
      for await (const event of output.stream!) {
        if (event.contentBlockDelta) arrivals.push(performance.now() - startedAt);
        if (event.metadata) outputTokens = event.metadata.usage?.outputTokens ?? 0;
      }
      const totalMs = performance.now() - startedAt;

      expect(outputTokens).toBe(arrivals.length);
      const spreadMs = ((outputTokens - 1) * 1000) / TOKENS_PER_SECOND;
      expect(arrivals[0]).toBeGreaterThanOrEqual(FIRST_TOKEN_MS - 10);
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(spreadMs * 0.8);
      expect(totalMs).toBeGreaterThanOrEqual((FIRST_TOKEN_MS + spreadMs) * 0.9);
    });

    test('Converse answers after firstTokenMs plus outputTokens / tokensPerSecond', async () => {
      const sim = await startSimulator(behaviour);
      const startedAt = performance.now();
      const answer = await runtimeClient(sim, 'us-east-1', { http1 }).send(
        new ConverseCommand({ modelId: HAIKU, messages: userMessage(PROMPT) }),
      );
      const elapsed = performance.now() - startedAt;

      const expectedMs = FIRST_TOKEN_MS + (answer.usage!.outputTokens! * 1000) / TOKENS_PER_SECOND;
      expect(elapsed).toBeGreaterThanOrEqual(expectedMs * 0.9);
      expect(answer.metrics?.latencyMs).toBeGreaterThanOrEqual(expectedMs * 0.9);
    });
  });

  describe('client abort', () => {
    test('aborting mid-stream ends the request early and the simulator records it as aborted', async () => {
      const sim = await startSimulator({ models: { '*': { firstTokenMs: 10, tokensPerSecond: 50 } } });
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const controller = new AbortController();

      const startedAt = performance.now();
      const output = await client.send(
        new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(PROMPT) }),
        { abortSignal: controller.signal },
      );
      const events: ConverseStreamOutput[] = [];
      let loopError: unknown;
      try {
        for await (const event of output.stream!) {
          events.push(event);
          if (events.length === 3) controller.abort();
        }
      } catch (error) {
        loopError = error;
      }
      const elapsed = performance.now() - startedAt;

      // 24 tokens at 50/s take ~460 ms; the loop ends well before the answer is complete.
      expect(events.map(eventName)).not.toContain('messageStop');
      expect(events.length).toBeLessThan(6);
      expect(elapsed).toBeLessThan(5_000);
      // SDK behaviour: over HTTP/2 the loop just ends; over HTTP/1.1 it throws "aborted".
      if (http1) expect(loopError).toMatchObject({ code: 'ECONNRESET' });
      else expect(loopError).toBeUndefined();
      await vi.waitFor(() => expect(sim.requests().at(-1)?.outcome).toBe('aborted'), { timeout: 2_000 });
      expect(sim.requests()).toHaveLength(1);
    });
  });
});
