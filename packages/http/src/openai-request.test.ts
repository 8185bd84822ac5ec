import { describe, expect, it } from 'vitest';
import { RequestFailure } from './failure.js';
import { toConverseInput } from './openai-request.js';
import { chatCompletionRequest } from './openai-schema.js';
import { validateBody } from './request-body.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const map = (body: Record<string, unknown>) =>
  toConverseInput(validateBody(chatCompletionRequest, { model: 'claude', ...body }));
const failureOf = (body: Record<string, unknown>) => {
  try {
    map(body);
  } catch (error) {
    if (error instanceof RequestFailure) return error.failure;
    throw error;
  }
  throw new Error('expected the request to be rejected');
};

describe('toConverseInput', () => {
  it('maps system, user and assistant messages, sampling settings and stop sequences', () => {
    const input = map({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 50,
      stop: 'END',
    });
    expect(input).toEqual({
      system: [{ text: 'Be brief.' }, { text: 'Answer in English.' }],
      messages: [
        { role: 'user', content: [{ text: 'Hi' }] },
        { role: 'assistant', content: [{ text: 'Hello' }] },
        { role: 'user', content: [{ text: 'Bye' }] },
      ],
      inferenceConfig: { maxTokens: 50, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
    });
  });

  it('turns a data: URL image into image bytes', () => {
    const url = `data:image/png;base64,${PNG.toString('base64')}`;
    const input = map({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url, detail: 'low' } },
          ],
        },
      ],
    });
    const image = input.messages?.[0]?.content?.[1]?.image;
    expect(image?.format).toBe('png');
    expect(Buffer.from(image?.source?.bytes as Uint8Array)).toEqual(PNG);
  });

  it('maps tools, tool_choice, assistant tool calls and tool results (merged into one user turn)', () => {
    const input = map({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'rain' }] },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'Weather now',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
    });
    expect(input.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { toolUse: { toolUseId: 'call_1', name: 'weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'call_2', name: 'weather', input: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'call_1', content: [{ text: 'sunny' }] } },
          { toolResult: { toolUseId: 'call_2', content: [{ text: 'rain' }] } },
        ],
      },
    ]);
    expect(input.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'weather',
            description: 'Weather now',
            inputSchema: { json: { type: 'object', properties: {} } },
          },
        },
      ],
      toolChoice: { tool: { name: 'weather' } },
    });
  });

  it('maps tool_choice "required" to any, and "none" without tool history to no tools', () => {
    const tools = [{ type: 'function', function: { name: 'weather' } }];
    const messages = [{ role: 'user', content: 'Hi' }];
    expect(map({ messages, tools, tool_choice: 'required' }).toolConfig?.toolChoice).toEqual({ any: {} });
    expect(map({ messages, tools, tool_choice: 'none' }).toolConfig).toBeUndefined();
  });

  it.each([
    [{ n: 2 }, 'n', /must be 1/],
    [{ logit_bias: { 1: 2 } }, 'logit_bias', /not supported/],
    [{ presence_penalty: 0.5 }, 'presence_penalty', /no presence penalty/],
    [{ response_format: { type: 'xml' } }, 'response_format.type', /"json_schema"/],
    [{ functions: [] }, 'functions', /remove `functions`/],
    [{ tool_choice: 'required' }, 'tool_choice', /needs `tools`/],
    [{ max_tokens: 10, max_completion_tokens: 20 }, 'max_tokens', /differ/],
  ])('rejects %j naming the field and the fix', (extra, param, message) => {
    const failure = failureOf({ messages: [{ role: 'user', content: 'Hi' }], ...extra });
    expect(failure.status).toBe(400);
    expect(failure.param).toBe(param);
    expect(failure.message).toMatch(message);
  });

  it.each([
    [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }, /data: URL/],
    [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,AAAA' } }, /image\/png, image\/jpeg/],
    [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }, /"input_audio" is not supported/],
  ])('rejects the content part %j', (part, message) => {
    const failure = failureOf({ messages: [{ role: 'user', content: [part] }] });
    expect(failure.param).toMatch(/^messages\[0\]\.content\[0\]/);
    expect(failure.message).toMatch(message);
  });

  it('rejects tool call arguments that are not JSON', () => {
    const failure = failureOf({
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }],
        },
      ],
    });
    expect(failure.param).toBe('messages[1].tool_calls[0].function.arguments');
  });
});

describe('prompt-cache checkpoints', () => {
  it('puts a cachePoint after a part marked cache_control, and after a system message with one', () => {
    const marked = { type: 'ephemeral' };
    const input = map({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long rules.', cache_control: marked }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'A long document.', cache_control: marked },
            { type: 'text', text: 'The question.' },
          ],
        },
      ],
    });
    expect(input.system).toEqual([{ text: 'Long rules.' }, { cachePoint: { type: 'default' } }]);
    expect(input.messages?.[0]?.content).toEqual([
      { text: 'A long document.' },
      { cachePoint: { type: 'default' } },
      { text: 'The question.' },
    ]);
  });
});
