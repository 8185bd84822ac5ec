import type { ConverseStreamOutput, Message } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { continuationFilter, continuationInput } from './converse-resume.js';

const user: Message = { role: 'user', content: [{ text: 'Explain failover.' }] };
const delta = (text: string, contentBlockIndex = 0): ConverseStreamOutput => ({
  contentBlockDelta: { contentBlockIndex, delta: { text } },
});

/** What a caller reads after `delivered`, when a continuation sends `events`. */
function continued(delivered: string, events: ConverseStreamOutput[]) {
  const filter = continuationFilter(delivered);
  const relayed = events.map(filter).filter((event) => event !== undefined);
  const text = relayed.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
  return { relayed, text };
}

describe('continuationInput', () => {
  it('appends the delivered text as a final assistant message, keeping the rest of the input', () => {
    const input = { messages: [user], inferenceConfig: { maxTokens: 50 }, system: [{ text: 'Be brief.' }] };

    expect(continuationInput(input, 'Failover moves')).toEqual({
      ...input,
      messages: [user, { role: 'assistant', content: [{ text: 'Failover moves' }] }],
    });
  });

  it('leaves trailing white space out, which Claude rejects in a final assistant message', () => {
    const continuation = continuationInput({ messages: [user] }, 'Failover moves \n');

    expect(continuation.messages.at(-1)).toEqual({
      role: 'assistant',
      content: [{ text: 'Failover moves' }],
    });
  });

  it('sends no assistant message when only white space was delivered, since Bedrock rejects blank text', () => {
    expect(continuationInput({ messages: [user] }, ' \n').messages).toEqual([user]);
  });

  it("puts the caller's own prefill first, merged into one assistant message", () => {
    const prefill: Message = {
      role: 'assistant',
      content: [{ text: 'Short answer:' }, { text: ' failover' }],
    };
    const continuation = continuationInput({ messages: [user, prefill] }, ' moves traffic ');

    expect(continuation.messages).toEqual([
      user,
      { role: 'assistant', content: [{ text: 'Short answer: failover moves traffic' }] },
    ]);
  });

  it("does not change the caller's input", () => {
    const messages = [user, { role: 'assistant', content: [{ text: 'Short' }] } as Message];
    const input = { messages };
    continuationInput(input, ' answer');

    expect(input.messages).toBe(messages);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toEqual({ role: 'assistant', content: [{ text: 'Short' }] });
  });
});

describe('continuationFilter', () => {
  it("drops the continuation's messageStart and relays everything else unchanged", () => {
    const events: ConverseStreamOutput[] = [
      { messageStart: { role: 'assistant' } },
      delta(' traffic'),
      delta(' elsewhere.'),
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'end_turn' } },
    ];
    const { relayed, text } = continued('Failover moves', events);

    expect(relayed).toEqual(events.slice(1));
    expect(text).toBe(' traffic elsewhere.');
  });

  it('strips the white space the caller already has from the first text', () => {
    expect(continued('Failover moves ', [delta(' traffic'), delta(' away')]).text).toBe('traffic away');
    expect(continued('One.\n\n', [delta('\n\nTwo'), delta('\n\nThree')]).text).toBe('Two\n\nThree');
  });

  it('keeps the contentBlockIndex of a stripped delta', () => {
    expect(continued('a ', [delta(' b', 2)]).relayed).toEqual([delta('b', 2)]);
  });

  it('drops a first delta made only of repeated white space, and strips the rest from the next one', () => {
    const { relayed, text } = continued('One.  ', [delta(' '), delta(' Two'), delta(' Three')]);

    expect(relayed).toHaveLength(2);
    expect(text).toBe('Two Three');
  });

  it('relays text that does not repeat the white space as it is', () => {
    expect(continued('Failover moves ', [delta('traffic'), delta(' away')]).text).toBe('traffic away');
    expect(continued('Failover moves\n', [delta(' traffic')]).text).toBe(' traffic');
  });

  it('leaves later events alone, even when they start with the same white space', () => {
    expect(continued('a ', [delta(' b'), delta(' c')]).text).toBe('b c');
    expect(continued('a', [delta(' b'), delta(' c')]).text).toBe(' b c');
  });

  it('passes events without text (tool use, block starts) through without using up the white space', () => {
    const toolDelta: ConverseStreamOutput = {
      contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{}' } } },
    };
    const { relayed } = continued('a ', [
      { contentBlockStart: { contentBlockIndex: 0, start: undefined } },
      toolDelta,
      delta(' b'),
    ]);

    expect(relayed.slice(0, 2)).toEqual([
      { contentBlockStart: { contentBlockIndex: 0, start: undefined } },
      toolDelta,
    ]);
    expect(relayed[2]).toEqual(delta('b'));
  });
});
