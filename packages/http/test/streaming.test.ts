import {
  ConverseStreamCommand,
  InvokeModelWithResponseStreamCommand,
  ModelStreamErrorException,
  ServiceUnavailableException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it, vi } from 'vitest';
import {
  chunks,
  decodeEventStream,
  gatewayHarness,
  HAIKU,
  PT_ARN,
  post,
  SIMULATOR,
  sdkClient,
  sseData,
  TOKYO_PROMPT,
} from './harness.js';

const start = gatewayHarness();
// A prompt without a canned answer: the simulator writes 40 tokens, slowly when asked to.
const LONG_PROMPT = 'Tell me about failover.';
const slow = { ...SIMULATOR, models: { '*': { tokensPerSecond: 20, outputTokens: 40 } } };
const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'claude',
  messages: [{ role: 'user', content }],
  stream: true,
  ...extra,
});
const anthropicBody = (text: string) =>
  JSON.stringify({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 200,
    messages: [{ role: 'user', content: text }],
  });

describe('streams', () => {
  it('streams tool calls as OpenAI tool_call deltas with finish_reason tool_calls', async () => {
    const { gateway } = await start();
    const response = await gateway.handle(
      post(
        '/v1/chat/completions',
        chat('Weather in Paris?', {
          tools: [
            {
              type: 'function',
              function: {
                name: 'weather',
                parameters: { type: 'object', properties: { city: { type: 'string' } } },
              },
            },
          ],
          tool_choice: { type: 'function', function: { name: 'weather' } },
        }),
      ),
    );
    const events = sseData(await chunks(response)).slice(0, -1);
    const calls = events.flatMap((event) => event.choices[0]?.delta?.tool_calls ?? []);
    expect(calls[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'weather', arguments: '' },
    });
    expect(calls[0].id).toEqual(expect.any(String));
    const argumentsText = calls
      .map((call: { function: { arguments?: string } }) => call.function.arguments ?? '')
      .join('');
    expect(() => JSON.parse(argumentsText)).not.toThrow();
    expect(events.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('a non-stream tool call comes back as message.tool_calls', async () => {
    const { gateway } = await start();
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        ...chat('Weather in Paris?'),
        stream: false,
        tools: [{ type: 'function', function: { name: 'weather' } }],
        tool_choice: 'required',
      }),
    );
    const choice = JSON.parse(response.body as string).choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls[0]).toMatchObject({ type: 'function', function: { name: 'weather' } });
    expect(() => JSON.parse(choice.message.tool_calls[0].function.arguments)).not.toThrow();
  });

  it('a consumer that stops reading mid-stream aborts the upstream call', async () => {
    const { gateway, sim, logs } = await start({ simulator: slow });
    const response = await gateway.handle(post('/v1/chat/completions', chat(LONG_PROMPT)));
    expect(response.status).toBe(200);
    const iterator = (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const first = await iterator.next();
    const second = await iterator.next();
    expect(first.done || second.done).toBe(false);
    await iterator.return?.();
    await vi.waitFor(() => expect(sim.requests().map((request) => request.outcome)).toEqual(['aborted']), {
      timeout: 10_000,
    });
    // Tokens come at 20 a second, so reading to the end would have taken about 2 s.
    expect(sim.requests()[0]!.durationMs).toBeLessThan(1800);
    expect(logs).toEqual([
      expect.objectContaining({
        status: 200,
        error: expect.objectContaining({ name: 'ClientDisconnected' }),
      }),
    ]);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('return() on a stream body never read still releases the upstream call', async () => {
    const { gateway, sim, logs } = await start({ simulator: slow });
    const response = await gateway.handle(post('/v1/chat/completions', chat(LONG_PROMPT)));
    await (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]().return?.();
    await vi.waitFor(() => expect(sim.requests().map((request) => request.outcome)).toEqual(['aborted']), {
      timeout: 10_000,
    });
    expect(logs).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ name: 'ClientDisconnected' }) }),
    ]);
  });

  it('a client disconnect (the request signal) aborts a streaming Bedrock call', async () => {
    const { gateway, sim } = await start({ simulator: slow });
    const controller = new AbortController();
    const response = await gateway.handle({
      ...post('/model/claude/converse-stream', {
        messages: [{ role: 'user', content: [{ text: LONG_PROMPT }] }],
      }),
      signal: controller.signal,
    });
    const iterator = (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    // The adapter keeps pulling until the body ends; after the abort it must end soon.
    for (let result = await iterator.next(); !result.done; result = await iterator.next());
    await vi.waitFor(() => expect(sim.requests().map((request) => request.outcome)).toEqual(['aborted']), {
      timeout: 10_000,
    });
  });

  it('a stream cut after content becomes one OpenAI error event, with no [DONE] and no repeated text', async () => {
    const { gateway, sim, logs } = await start();
    sim.faults.add({ match: {}, fault: { type: 'stream-cut', afterEvents: 4, mode: 'reset' } });
    const response = await gateway.handle(post('/v1/chat/completions', chat(LONG_PROMPT)));
    expect(response.status).toBe(200);
    const events = sseData(await chunks(response));
    expect(events).not.toContain('[DONE]');
    const last = events.at(-1);
    expect(last.error).toMatchObject({ type: 'server_error', code: 'stream_interrupted' });
    const texts = events.slice(0, -1).map((event) => event.choices[0].delta.content ?? '');
    expect(texts.join('').length).toBeGreaterThan(0);
    expect(last.error.message).toContain(`${texts.join('').length} characters`);
    expect(logs).toEqual([
      expect.objectContaining({
        status: 200,
        error: expect.objectContaining({ name: 'StreamInterruptedError' }),
      }),
    ]);
  });

  it('an in-stream exception after content reaches the AWS SDK as the same typed error', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({
      match: {},
      fault: { type: 'stream-exception', afterEvents: 3, error: 'ModelStreamErrorException' },
    });
    const output = await sdkClient(gateway).send(
      new ConverseStreamCommand({
        modelId: 'claude',
        messages: [{ role: 'user', content: [{ text: LONG_PROMPT }] }],
      }),
    );
    const received: string[] = [];
    const error = await (async () => {
      for await (const event of output.stream!) received.push(event.contentBlockDelta?.delta?.text ?? '');
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelStreamErrorException);
    expect(received.join('').length).toBeGreaterThan(0);
  });

  it('a reset mid InvokeModel stream reaches the AWS SDK as ServiceUnavailableException', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({ match: {}, fault: { type: 'stream-cut', afterEvents: 3, mode: 'reset' } });
    const output = await sdkClient(gateway).send(
      new InvokeModelWithResponseStreamCommand({
        modelId: 'claude',
        body: anthropicBody(LONG_PROMPT),
        contentType: 'application/json',
      }),
    );
    const error = await (async () => {
      for await (const _event of output.body!);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableException);
  });

  it('encodes ConverseStream events exactly as Bedrock: event-stream frames the SDK codec decodes', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({ match: { model: PT_ARN }, fault: { type: 'error', error: 'ThrottlingException' } });
    const response = await gateway.handle(
      post('/model/claude/converse-stream', {
        messages: [{ role: 'user', content: [{ text: TOKYO_PROMPT }] }],
      }),
    );
    expect(response.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    expect(response.headers['x-bedrock-ha-endpoint']).toBe('haiku-west');
    const messages = decodeEventStream(await chunks(response));
    for (const message of messages) {
      expect(message.headers[':message-type']).toBe('event');
      expect(message.headers[':content-type']).toBe('application/json');
    }
    expect(messages.map((message) => message.headers[':event-type'])).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(messages[0]!.body).toEqual({ role: 'assistant' });
    expect(messages[1]!.body).toEqual({ contentBlockIndex: 0, delta: { text: 'Tokyo' } });
    expect(messages[3]!.body).toEqual({ stopReason: 'end_turn' });
    expect(messages[4]!.body.usage).toMatchObject({ outputTokens: expect.any(Number) });
  });

  it('encodes InvokeModel chunks with base64 bytes and the model content type header', async () => {
    const { gateway } = await start();
    const response = await gateway.handle(
      post('/model/claude/invoke-with-response-stream', anthropicBody(TOKYO_PROMPT), {
        'x-amzn-bedrock-accept': 'application/json',
      }),
    );
    expect(response.headers['x-amzn-bedrock-content-type']).toBe('application/json');
    const messages = decodeEventStream(await chunks(response));
    expect(new Set(messages.map((message) => message.headers[':event-type']))).toEqual(new Set(['chunk']));
    const decoded = messages.map((message) =>
      JSON.parse(Buffer.from(message.body.bytes, 'base64').toString('utf8')),
    );
    expect(decoded[0].type).toBe('message_start');
    expect(decoded.map((chunk) => chunk.delta?.text ?? '').join('')).toBe('Tokyo');
  });

  it('a stream that fails before content fails over, then answers with the served headers', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({
      match: { model: PT_ARN },
      fault: { type: 'stream-exception', afterEvents: 0, error: 'ThrottlingException' },
    });
    const response = await gateway.handle(post('/v1/chat/completions', chat(TOKYO_PROMPT)));
    expect(response.headers['x-bedrock-ha-endpoint']).toBe('haiku-west');
    expect(sim.counters({ model: HAIKU })[0]?.requests).toBe(1);
    const events = sseData(await chunks(response));
    expect(events.at(-1)).toBe('[DONE]');
  });
});
