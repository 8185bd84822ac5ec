import {
  ConverseCommand,
  ConverseStreamCommand,
  type Message,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import { HAIKU, rejection, runtimeClient, simulators, TOKYO_PROMPT, textOf } from './sdk.js';

const startSimulator = simulators();

const toolCall: Message = {
  role: 'assistant',
  content: [{ toolUse: { toolUseId: 'tooluse_1', name: 'weather', input: {} } }],
};

describe('blank text blocks, rejected as Bedrock rejects them', () => {
  test('an empty text block next to a tool call is a ValidationException naming its position', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-west-2');
    const messages: Message[] = [
      { role: 'user', content: [{ text: TOKYO_PROMPT }] },
      { role: 'assistant', content: [{ text: '' }, ...toolCall.content!] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'sunny' }] } }] },
    ];
    const error = await rejection(client.send(new ConverseCommand({ modelId: HAIKU, messages })));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      'The text field in the ContentBlock object at messages.1.content.0 is blank. Add text to the text field, and try again.',
    );
    expect(sim.requests().map((request) => request.outcome)).toEqual(['ValidationException']);
  });

  test('ConverseStream rejects white space only, and an empty tool result text, before streaming', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-west-2');
    const stream = (messages: Message[]) =>
      rejection(client.send(new ConverseStreamCommand({ modelId: HAIKU, messages })));
    const spaces = await stream([{ role: 'user', content: [{ text: TOKYO_PROMPT }, { text: ' \n\t' }] }]);
    expect(spaces).toBeInstanceOf(ValidationException);
    expect(spaces.message).toMatch(/ContentBlock object at messages\.0\.content\.1 is blank/);
    const emptyResult = await stream([
      { role: 'user', content: [{ text: TOKYO_PROMPT }] },
      toolCall,
      { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_1', content: [{ text: '' }] } }] },
    ]);
    expect(emptyResult).toBeInstanceOf(ValidationException);
    expect(emptyResult.message).toMatch(
      /ToolResultContentBlock object at messages\.2\.content\.0\.toolResult\.content\.0 is blank/,
    );
  });

  test('text with content around white space is accepted', async () => {
    const sim = await startSimulator();
    const output = await runtimeClient(sim, 'us-west-2').send(
      new ConverseCommand({
        modelId: HAIKU,
        messages: [{ role: 'user', content: [{ text: ` ${TOKYO_PROMPT} ` }] }],
      }),
    );
    expect(textOf(output.output?.message?.content)).toBe('Tokyo');
  });
});
