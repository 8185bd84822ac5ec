import { sampleOfSchema } from './json-schema-sample.js';
import type { CachePoint } from './prompt-cache/cache-points.js';
import type { CacheUse } from './prompt-cache/prompt-cache.js';

/** Why the model stopped, in Converse's words. */
export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';

/** A model's answer to one request. */
export interface Reply {
  /** The answer split into tokens; they concatenate to the exact text. */
  pieces: string[];
  text: string;
  inputTokens: number;
  outputTokens: number;
  stopReason: StopReason;
  /** The stop sequence that ended the answer, when `stopReason` is `stop_sequence`. */
  stopSequence?: string;
  /** Present when the request forced a tool call. */
  toolUse?: { toolUseId: string; name: string; input: Record<string, unknown> };
  /** The service tier that served the request, echoed when the request named one. */
  serviceTier?: string;
  /**
   * Prompt-cache use, when the request has checkpoints: input tokens read from and written to the
   * cache (then left out of `inputTokens`, as Bedrock reports them).
   */
  cache?: CacheUse;
}

/** What the responder needs to know about a request. */
export interface Prompt {
  /** The text of the last user turn: what the answer table is matched against. */
  question: string;
  /** Every input token source (system, all turns), for the usage count. */
  inputText: string;
  maxTokens?: number | undefined;
  stopSequences?: readonly string[] | undefined;
  /** Length of a generated answer, in tokens. */
  outputTokens: number;
  /** Name of a tool the request forces the model to call. */
  forcedTool?: string | undefined;
  /** The forced tool's input schema: its call's input is a sample that validates against it. */
  forcedToolSchema?: object | undefined;
  /** Structured output (Converse `outputConfig.textFormat`): the answer is JSON valid against this. */
  jsonSchema?: object | undefined;
  /**
   * Text of a final assistant turn (a prefill): the model continues it instead of starting over,
   * and `question` is still the last user turn.
   */
  prefill?: string | undefined;
  /** The service tier the body asks for (Converse's `serviceTier.type`), unvalidated. */
  serviceTier?: unknown;
  /** The prompt-cache checkpoints (`cachePoint` blocks, or Anthropic's `cache_control`). */
  cachePoints?: readonly CachePoint[] | undefined;
}

/** Anthropic's reason for rejecting a prefill, as Bedrock passes it on. */
export const PREFILL_TRAILING_WHITESPACE =
  'messages: final assistant content cannot end with trailing whitespace';

/** Whether Anthropic models reject this prefill: it may not end in white space. */
export function isRejectedPrefill(prefill: string | undefined): boolean {
  return prefill !== undefined && /\s$/u.test(prefill);
}

/** Built-in answers; the seed sample's question among them. */
export const DEFAULT_ANSWERS: readonly { match: string; reply: string }[] = [
  { match: 'largest city in the world', reply: 'Tokyo' },
  { match: 'capital of france', reply: 'Paris' },
];

// Words and punctuation, each with the white space before it: joined, they give back the text.
const PIECE = /\s*[\p{L}\p{N}'_-]+|\s*[^\p{L}\p{N}\s]|\s+$/gu;

/** Splits text into token-like pieces that concatenate back to it. */
export function splitPieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

/** An approximate token count (words and punctuation), close to what BPE tokenizers give for English. */
export function countTokens(text: string): number {
  return Math.max(1, splitPieces(text).length);
}

// Generated answers are drawn from these sentences in a seeded order: readable in demos, and as
// long as asked without inventing a tokenizer.
const SENTENCES = [
  'Provisioned Throughput reserves model capacity for a steady, predictable load.',
  'When that capacity runs out, Bedrock answers with a throttling error.',
  'An on-demand endpoint in a second region can serve the overflow.',
  'Cross-region inference profiles spread requests over several regions.',
  'Retries with backoff and jitter keep a brief spike from becoming an outage.',
  'A circuit breaker stops sending traffic to an endpoint that keeps failing.',
  'A deadline bounds how long the caller waits across every attempt.',
  'Streaming answers arrive token by token, so the first token matters most.',
  'Every response reports the tokens it used, which is how quotas are counted.',
  'Traffic returns to the primary endpoint as soon as it has capacity again.',
  'Each region keeps its own quotas, so a second region adds real headroom.',
  'Good failover is tested often, because an untested fallback fails when needed.',
];

/**
 * Short sentences by their length in tokens (2 to 16, past the longest of SENTENCES): whatever is
 * left of a generated answer's length after its whole sentences, it ends on a full stop.
 */
const CLOSINGS: Readonly<Record<number, string>> = {
  2: 'Hello.',
  3: 'Hi there.',
  4: 'That is all.',
  5: 'Failover keeps answers coming.',
  6: 'Thanks for asking the simulator.',
  7: 'Test the fallback before you deploy.',
  8: 'Test the fallback before you need it.',
  9: 'Plan for the day when capacity runs out.',
  10: 'Keep a second region ready for the next outage.',
  11: 'A second region adds capacity when the first runs out.',
  12: 'Keep a second region ready for the day capacity runs out.',
  13: 'Keep a second region ready for the day when capacity runs out.',
  14: 'Always keep a second region ready for the day when capacity runs out.',
  15: 'Always keep a second region warm and ready for the day capacity runs out.',
  16: 'Always keep a second region warm and ready for the day when capacity runs out.',
};

/**
 * Deterministic answers: a table of canned replies, otherwise text generated from a hash of the
 * prompt, so the same request always gets the same answer and token counts.
 */
export class Responder {
  private readonly answers: readonly { match: string; reply: string }[];

  constructor(
    answers: readonly { match: string; reply: string }[],
    private readonly seed: number,
  ) {
    this.answers = [...answers, ...DEFAULT_ANSWERS].map((answer) => ({
      match: answer.match.toLowerCase(),
      reply: answer.reply,
    }));
  }

  /** The answer to a prompt. */
  reply(prompt: Prompt): Reply {
    const inputTokens = countTokens(prompt.inputText);
    if (prompt.forcedTool !== undefined) {
      const toolUseId = `tooluse_${hash(`${this.seed}:${prompt.inputText}`).toString(36)}`;
      return {
        pieces: [],
        text: '',
        inputTokens,
        outputTokens: 12,
        stopReason: 'tool_use',
        toolUse: {
          toolUseId,
          name: prompt.forcedTool,
          input: (prompt.forcedToolSchema ? sampleOfSchema(prompt.forcedToolSchema) : {}) as Record<
            string,
            unknown
          >,
        },
      };
    }
    const question = prompt.question.toLowerCase();
    const canned = this.answers.find((answer) => question.includes(answer.match));
    const answer = prompt.jsonSchema
      ? JSON.stringify(sampleOfSchema(prompt.jsonSchema))
      : canned
        ? canned.reply
        : this.generate(prompt.question, prompt.outputTokens);
    let pieces = splitPieces(continuation(answer, prompt.prefill));
    let stopReason: StopReason = 'end_turn';
    let stopSequence: string | undefined;

    const stop = firstStop(pieces.join(''), prompt.stopSequences);
    if (stop !== undefined) {
      pieces = splitPieces(pieces.join('').slice(0, stop.index));
      stopReason = 'stop_sequence';
      stopSequence = stop.sequence;
    }
    if (prompt.maxTokens !== undefined && pieces.length > prompt.maxTokens) {
      pieces = pieces.slice(0, prompt.maxTokens);
      stopReason = 'max_tokens';
      stopSequence = undefined;
    }
    return {
      pieces,
      text: pieces.join(''),
      inputTokens,
      outputTokens: Math.max(1, pieces.length),
      stopReason,
      ...(stopSequence !== undefined && { stopSequence }),
    };
  }

  private generate(question: string, length: number): string {
    const next = mulberry32(hash(`${this.seed}:${question}`));
    const order = [...SENTENCES];
    // A seeded shuffle: the same question always gets the same answer, others another.
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(next() * (index + 1));
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    // Whole sentences while they fit, then a closing sentence of exactly the tokens left: the
    // answer is `length` tokens long and never stops mid-sentence.
    const sentences: string[] = [];
    let left = length;
    for (let index = 0; countTokens(order[index % order.length]!) <= left; index++) {
      const sentence = order[index % order.length]!;
      sentences.push(sentence);
      left -= countTokens(sentence);
    }
    if (left === 1 && sentences.length > 0) left += countTokens(sentences.pop()!);
    if (left > 0) sentences.push(CLOSINGS[left] ?? 'Yes');
    return sentences.join(' ');
  }
}

/**
 * What is left to say after a prefill. A prefill the answer does not start with cannot be
 * continued faithfully without a language model; the whole answer follows it instead, which keeps
 * replies deterministic and is close enough for tests of resumed streams.
 */
function continuation(answer: string, prefill: string | undefined): string {
  return prefill !== undefined && answer.startsWith(prefill) ? answer.slice(prefill.length) : answer;
}

function firstStop(
  text: string,
  stops: readonly string[] | undefined,
): { index: number; sequence: string } | undefined {
  let first: { index: number; sequence: string } | undefined;
  for (const sequence of stops ?? []) {
    const index = sequence === '' ? -1 : text.indexOf(sequence);
    if (index >= 0 && (first === undefined || index < first.index)) first = { index, sequence };
  }
  return first;
}

/** FNV-1a: a small, stable string hash. */
export function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/** A seeded random source (mulberry32): every "random" choice of the simulator is reproducible. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
