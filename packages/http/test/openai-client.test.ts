import type OpenAI from 'openai';
import { NotFoundError, RateLimitError } from 'openai';
import { describe, expect, it } from 'vitest';
import { gatewayHarness, PT_ARN, TOKYO_PROMPT } from './harness.js';
import { openaiClient } from './openai-client.js';

const start = gatewayHarness();

describe('the real openai client', () => {
  it('parses a completion and a stream from the gateway, failing over on the way', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({ match: { model: PT_ARN }, fault: { type: 'error', error: 'ThrottlingException' } });
    const client = openaiClient(gateway);
    const completion = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: TOKYO_PROMPT }],
    });
    expect(completion.choices[0]?.message.content).toBe('Tokyo');
    const stream = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: TOKYO_PROMPT }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage ??= chunk.usage;
    }
    expect(text).toBe('Tokyo');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['claude', 'nova']);
  });

  it('raises the typed errors: NotFoundError for an unknown model, RateLimitError when all throttle', async () => {
    const { gateway, sim } = await start();
    const client = openaiClient(gateway);
    const ask = (model: string) =>
      client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
    const missing = await ask('gpt-4o').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).code).toBe('model_not_found');
    sim.faults.add({ match: {}, fault: { type: 'error', error: 'ThrottlingException' } });
    const throttled = await ask('claude').catch((error: unknown) => error);
    expect(throttled).toBeInstanceOf(RateLimitError);
  });

  it('a stream broken after content ends the client loop with an error, not silently', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({ match: {}, fault: { type: 'stream-cut', afterEvents: 4, mode: 'reset' } });
    const stream = await openaiClient(gateway).chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'Tell me about failover.' }],
      stream: true,
    });
    const error = await (async () => {
      for await (const _chunk of stream);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/broke after \d+ characters/);
  });

  it('a tool loop sends the message of finalChatCompletion() back as is, and gets the answer', async () => {
    const { gateway } = await start();
    const client = openaiClient(gateway);
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const question: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await client.chat.completions
      .stream({ model: 'claude', tools, tool_choice: 'required', messages: [question] })
      .finalChatCompletion();
    const called = first.choices[0]!.message;
    // openai-node adds `parsed: null` (and the completion has `refusal: null`): both come back.
    expect(called).toMatchObject({ parsed: null, tool_calls: [{ function: { name: 'weather' } }] });
    const call = called.tool_calls![0]!;
    const second = await client.chat.completions.create({
      model: 'claude',
      tools,
      messages: [
        question,
        called,
        { role: 'tool', tool_call_id: call.id, content: '18 degrees and sunny' },
        // What the OpenAI API itself returns on an assistant message, sent back the same way.
        {
          role: 'assistant',
          content: 'It is sunny.',
          refusal: null,
          audio: null,
          function_call: null,
          annotations: [],
        } as OpenAI.ChatCompletionMessageParam,
        { role: 'user', content: TOKYO_PROMPT },
      ],
    });
    expect(second.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'Tokyo' } });
  });
});
