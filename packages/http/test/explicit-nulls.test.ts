import { describe, expect, it } from 'vitest';
import { gatewayHarness, json, post, TOKYO_PROMPT } from './harness.js';
import { openaiClient } from './openai-client.js';

const start = gatewayHarness();

// Each optional field OpenAI's API takes as null, sent as null: it means "absent".
const NULLABLE_FIELDS = [
  'tools',
  'tool_choice',
  'user',
  'response_format',
  'top_logprobs',
  'logit_bias',
  'parallel_tool_calls',
  'metadata',
  'audio',
  'prediction',
  'modalities',
] as const;

describe('explicit nulls in a chat completion request', () => {
  it.each(NULLABLE_FIELDS)('accepts %s: null as absent', async (field) => {
    const { gateway } = await start();
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        model: 'claude',
        messages: [{ role: 'user', content: TOKYO_PROMPT }],
        [field]: null,
      }),
    );
    expect(response.status, JSON.stringify(json(response))).toBe(200);
    expect(json(response).choices[0].message.content).toBe('Tokyo');
  });

  it("accepts a message's name: null in every role that has a name", async () => {
    const { gateway } = await start();
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        model: 'claude',
        messages: [
          { role: 'system', content: 'Be brief.', name: null },
          { role: 'developer', content: 'Really brief.', name: null },
          { role: 'user', content: 'Hello', name: null },
          { role: 'assistant', content: 'Hi', name: null, tool_calls: null },
          { role: 'user', content: TOKYO_PROMPT, name: null },
        ],
      }),
    );
    expect(response.status, JSON.stringify(json(response))).toBe(200);
    expect(json(response).choices[0].message.content).toBe('Tokyo');
  });

  it('the real openai client gets an answer with every nullable field null', async () => {
    const { gateway } = await start();
    const completion = await openaiClient(gateway).chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: TOKYO_PROMPT, name: null as never }],
      ...(Object.fromEntries(NULLABLE_FIELDS.map((field) => [field, null])) as object),
    });
    expect(completion.choices[0]?.message.content).toBe('Tokyo');
  });

  it('still rejects a set value that cannot be honoured', async () => {
    const { gateway } = await start();
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        model: 'claude',
        messages: [{ role: 'user', content: TOKYO_PROMPT }],
        logit_bias: { '50256': -100 },
      }),
    );
    expect(response.status).toBe(400);
    expect(json(response).error.param).toBe('logit_bias');
  });
});
