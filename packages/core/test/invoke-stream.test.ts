import type { ResponseStream } from '@aws-sdk/client-bedrock-runtime';
import type { FaultEffect } from '@bedrock-ha/simulator';
import { describe, expect, it } from 'vitest';
import { IncompleteStreamError, StreamIdleTimeoutError, StreamInterruptedError } from '../src/index.js';
import { chunkText, drain, HAIKU, harness, NOVA, outcomesIn, watchTimers } from './harness.js';

const { simulator, engine } = harness();
const PROMPT = 'Explain failover in a few sentences.';
const POLICY = { retry: { maxAttempts: 1 }, timeouts: { firstTokenMs: 500, idleMs: 500 } };
const encode = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));

/**
 * The two body families the engine reads. `firstContent` is the index of the first text chunk:
 * Anthropic sends message_start and content_block_start before it, Nova only messageStart.
 */
const FAMILIES = [
  {
    family: 'Anthropic Messages',
    modelId: HAIKU,
    firstContent: 2,
    start: 'message_start',
    body: encode({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 200,
      messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }],
    }),
  },
  {
    family: 'Nova',
    modelId: NOVA,
    firstContent: 1,
    start: 'messageStart',
    body: encode({
      messages: [{ role: 'user', content: [{ text: PROMPT }] }],
      inferenceConfig: { maxTokens: 200 },
    }),
  },
];

function chunkType(event: ResponseStream): string | undefined {
  if (!event.chunk?.bytes) return undefined;
  const body = JSON.parse(new TextDecoder().decode(event.chunk.bytes));
  return body.type ?? Object.keys(body)[0];
}

async function setup(modelId: string, body: Uint8Array) {
  const sim = await simulator();
  const ha = engine(sim, {
    policy: POLICY,
    chains: {
      chain: {
        endpoints: [
          { id: 'east', region: 'us-east-1', modelId },
          { id: 'west', region: 'us-west-2', modelId },
        ],
      },
    },
  });
  const attempts: string[] = [];
  ha.onAttempt((attempt) => attempts.push(`${attempt.endpoint.endpointId} ${attempt.outcome}`));
  const ask = () => ha.invokeModelWithResponseStream('chain', { body, contentType: 'application/json' });
  const clean = await drain((await ask()).body, chunkText);
  sim.reset();
  attempts.length = 0;
  return { sim, ha, ask, attempts, answer: clean.text };
}

describe.each(FAMILIES)(
  'InvokeModelWithResponseStream, $family bodies',
  ({ modelId, body, firstContent, start }) => {
    const before: [string, FaultEffect, string][] = [
      [
        'a ServiceUnavailableException',
        { type: 'error', error: 'ServiceUnavailableException' },
        'unavailable',
      ],
      [
        'an in-stream exception as the first event',
        { type: 'stream-exception', afterEvents: 0, error: 'ThrottlingException' },
        'throttled',
      ],
      [
        'an in-stream exception just before the first text',
        { type: 'stream-exception', afterEvents: firstContent, error: 'ModelStreamErrorException' },
        'stream-error',
      ],
      [
        'a stall before the first text',
        { type: 'stream-stall', afterEvents: firstContent, ms: 5_000 },
        'first-token-timeout',
      ],
    ];

    it.each(before)(
      'fails over before content after %s, and the caller sees one start',
      async (_name, fault, reason) => {
        const timers = watchTimers();
        const { sim, ha, ask, attempts, answer } = await setup(modelId, body);
        sim.faults.add({ match: { region: 'us-east-1' }, fault });

        const result = await ask();
        const { events, text, error } = await drain(result.body, chunkText);

        expect(error).toBeUndefined();
        expect(text).toBe(answer);
        expect(events.filter((event) => chunkType(event) === start)).toHaveLength(1);
        expect(result.servedBy.endpointId).toBe('west');
        expect(
          result.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome, attempt.reason]),
        ).toEqual([
          ['east', 'failure', reason],
          ['west', 'success', undefined],
        ]);
        expect(attempts).toEqual(['east failure', 'west success']);

        ha.destroy();
        await sim.close();
        expect(await timers.left()).toEqual([]);
      },
    );

    const after: [string, FaultEffect, (cause: unknown) => void][] = [
      [
        'a reset',
        { type: 'stream-cut', afterEvents: firstContent + 4, mode: 'reset' },
        (cause) => expect(cause).toMatchObject({ message: 'aborted' }),
      ],
      [
        'an end without the final chunk',
        { type: 'stream-cut', afterEvents: firstContent + 4, mode: 'end' },
        (cause) => expect(cause).toBeInstanceOf(IncompleteStreamError),
      ],
      [
        'an in-stream exception',
        { type: 'stream-exception', afterEvents: firstContent + 4, error: 'ModelStreamErrorException' },
        (cause) => expect(cause).toMatchObject({ name: 'ModelStreamErrorException' }),
      ],
      [
        'an idle stall',
        { type: 'stream-stall', afterEvents: firstContent + 4, ms: 5_000 },
        (cause) => expect(cause).toBeInstanceOf(StreamIdleTimeoutError),
      ],
    ];

    it.each(after)(
      'ends with StreamInterruptedError and the delivered text after content and %s',
      async (_name, fault, checkCause) => {
        const timers = watchTimers();
        const { sim, ha, ask, attempts, answer } = await setup(modelId, body);
        sim.faults.add({ match: { region: 'us-east-1' }, fault });

        const result = await ask();
        const { text, error } = await drain(result.body, chunkText);

        expect(error).toBeInstanceOf(StreamInterruptedError);
        const interrupted = error as StreamInterruptedError;
        expect(text.length).toBeGreaterThan(0);
        expect(answer.startsWith(text)).toBe(true);
        expect(interrupted.partialText).toBe(text);
        expect(interrupted.servedBy.endpointId).toBe('east');
        checkCause(interrupted.cause);
        expect(attempts).toEqual(['east failure']);
        // No silent retry, and InvokeModel streams never resume.
        expect(outcomesIn(sim, 'us-west-2')).toEqual({});

        ha.destroy();
        await sim.close();
        expect(await timers.left()).toEqual([]);
      },
    );
  },
);
