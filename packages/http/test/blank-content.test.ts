import { describe, expect, it } from 'vitest';
import { gatewayHarness, json, post, TOKYO_PROMPT } from './harness.js';

// The simulator rejects blank text blocks as Bedrock does ("The text field in the ContentBlock
// object at messages.1.content.0 is blank"), so a blank block that reaches it fails these tests.
const start = gatewayHarness();
const tools = [
  { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } },
];
const toolCall = { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } };

describe('blank OpenAI content never becomes a blank Bedrock text block', () => {
  it('an assistant "" with tool calls and an empty tool result reach Bedrock and get an answer', async () => {
    const { gateway, sim } = await start();
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        model: 'claude',
        tools,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: '', tool_calls: [toolCall] },
          { role: 'tool', tool_call_id: 'call_1', content: '' },
        ],
      }),
    );
    expect(json(response)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(response.status).toBe(200);
    expect(sim.requests().map((request) => request.outcome)).toEqual(['success']);
  });

  it('drops empty and white-space text parts of user and assistant messages', async () => {
    const { gateway } = await start();
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        model: 'claude',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Hello' },
              { type: 'text', text: '' },
            ],
          },
          { role: 'assistant', content: [{ type: 'text', text: ' \n' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: '  ' },
              { type: 'text', text: TOKYO_PROMPT },
            ],
          },
        ],
      }),
    );
    expect(response.status).toBe(200);
    expect(json(response).choices[0].message.content).toBe('Tokyo');
  });

  it('a user message with only blank content is a 400 naming the field, before any upstream call', async () => {
    const { gateway, sim } = await start();
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        model: 'claude',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: ' ' }] },
        ],
      }),
    );
    expect(response.status).toBe(400);
    expect(json(response).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages[1].content',
      message: expect.stringMatching(/`messages\[1\]\.content` is empty or only white space/),
    });
    expect(sim.requests()).toEqual([]);
  });
});
