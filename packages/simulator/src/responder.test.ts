import { describe, expect, it } from 'vitest';
import {
  countTokens,
  isRejectedPrefill,
  mulberry32,
  type Prompt,
  Responder,
  splitPieces,
} from './responder.js';

const prompt = (question: string, extra: Partial<Prompt> = {}): Prompt => ({
  question,
  inputText: question,
  outputTokens: 24,
  ...extra,
});

describe('splitPieces', () => {
  it('splits into tokens that join back to the exact text', () => {
    const text = '  Hello, world! It’s 42 degrees — in São Paulo.\n';
    const pieces = splitPieces(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces.slice(0, 3)).toEqual(['  Hello', ',', ' world']);
    expect(countTokens('')).toBe(1);
  });
});

describe('Responder', () => {
  const responder = new Responder([{ match: 'Ping', reply: 'pong' }], 7);

  it('answers from the table, case-insensitively, before generating', () => {
    expect(responder.reply(prompt('ping?')).text).toBe('pong');
    expect(responder.reply(prompt('What is the LARGEST CITY IN THE WORLD?')).text).toBe('Tokyo');
  });

  it('generates the same answer for the same question, exactly outputTokens long', () => {
    const first = responder.reply(prompt('how does failover work?', { outputTokens: 40 }));
    expect(responder.reply(prompt('how does failover work?', { outputTokens: 40 }))).toEqual(first);
    expect(first.outputTokens).toBe(40);
    expect(splitPieces(first.text)).toHaveLength(40);
    expect(responder.reply(prompt('something else entirely', { outputTokens: 40 })).text).not.toBe(
      first.text,
    );
    expect(new Responder([], 8).reply(prompt('how does failover work?', { outputTokens: 40 })).text).not.toBe(
      first.text,
    );
  });

  it('ends a generated answer on a full sentence, whatever outputTokens asks for', () => {
    // "hello" with the default 24 tokens used to stop mid-sentence ("... so a").
    for (const question of ['hello', 'how does failover work?', 'tell me a story']) {
      for (let outputTokens = 2; outputTokens <= 120; outputTokens++) {
        const { text } = responder.reply(prompt(question, { outputTokens }));
        expect(splitPieces(text), `${question} (${outputTokens})`).toHaveLength(outputTokens);
        expect(text, `${question} (${outputTokens})`).toMatch(/[.!?]$/);
      }
    }
  });

  it('stops at the earliest stop sequence, then at maxTokens', () => {
    const full = responder.reply(prompt('explain retries', { outputTokens: 30 })).text;
    const word = full.split(' ')[3]!;
    const stopped = responder.reply(
      prompt('explain retries', { outputTokens: 30, stopSequences: ['zzz', word] }),
    );
    expect(stopped).toMatchObject({ stopReason: 'stop_sequence', stopSequence: word });
    expect(full.startsWith(stopped.text)).toBe(true);
    expect(stopped.text).not.toContain(word);

    const capped = responder.reply(prompt('explain retries', { outputTokens: 30, maxTokens: 3 }));
    expect(capped).toMatchObject({ stopReason: 'max_tokens', outputTokens: 3 });
  });

  it('continues a prefill: the reply is the rest of the answer, counted alone', () => {
    const full = responder.reply(prompt('how does failover work?', { outputTokens: 40 })).text;
    const prefill = full.split(' ').slice(0, 7).join(' ');
    const reply = responder.reply(prompt('how does failover work?', { outputTokens: 40, prefill }));

    expect(prefill + reply.text).toBe(full);
    expect(reply.pieces.join('')).toBe(reply.text);
    expect(reply).toMatchObject({ stopReason: 'end_turn', outputTokens: 40 - splitPieces(prefill).length });
  });

  it('applies maxTokens and stop sequences to the continuation only', () => {
    const full = responder.reply(prompt('explain retries', { outputTokens: 30 })).text;
    const prefill = full.split(' ').slice(0, 5).join(' ');
    const rest = full.slice(prefill.length);
    const word = rest.split(' ')[3]!;

    const capped = responder.reply(prompt('explain retries', { outputTokens: 30, prefill, maxTokens: 3 }));
    const stopped = responder.reply(
      prompt('explain retries', { outputTokens: 30, prefill, stopSequences: [word] }),
    );

    expect(capped).toMatchObject({ stopReason: 'max_tokens', outputTokens: 3 });
    expect(capped.text).toBe(splitPieces(rest).slice(0, 3).join(''));
    expect(stopped).toMatchObject({ stopReason: 'stop_sequence', stopSequence: word });
    expect(stopped.text).toBe(rest.slice(0, rest.indexOf(word)));
  });

  it('ends at once when the prefill is the whole answer, and says it all after a prefill it cannot continue', () => {
    expect(responder.reply(prompt('ping?', { prefill: 'pong' }))).toMatchObject({
      pieces: [],
      text: '',
      stopReason: 'end_turn',
    });
    expect(responder.reply(prompt('ping?', { prefill: 'Well,' })).text).toBe('pong');
  });

  it('rejects only a prefill that ends in white space', () => {
    expect(isRejectedPrefill('The answer is ')).toBe(true);
    expect(isRejectedPrefill('The answer is\n')).toBe(true);
    expect(isRejectedPrefill('The answer is')).toBe(false);
    expect(isRejectedPrefill(undefined)).toBe(false);
  });

  it('answers a forced tool choice with a tool call', () => {
    const reply = responder.reply(prompt('weather?', { forcedTool: 'get_weather' }));
    expect(reply).toMatchObject({
      stopReason: 'tool_use',
      text: '',
      toolUse: { name: 'get_weather', input: {} },
    });
    expect(reply.toolUse?.toolUseId).toMatch(/^tooluse_/);
  });
});

describe('mulberry32', () => {
  it('is reproducible from its seed and stays within [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const samples = Array.from({ length: 10_000 }, () => a());
    expect(samples.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(1);
    // Roughly uniform: each tenth of the range holds about a tenth of the samples.
    const deciles = Array.from({ length: 10 }, (_, decile) =>
      samples.filter((x) => Math.floor(x * 10) === decile),
    );
    for (const bucket of deciles) expect(bucket.length).toBeGreaterThan(850);
  });
});
