import { type ContentBlock, ConverseCommand, type ConverseRequest } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { AllEndpointsFailedError, type BedrockHA, RequestNotSentError } from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  harness,
  recordEvents,
  rejection,
  requestCount,
  streamText,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

// Issue 13 item 1: a request whose own content makes the SDK throw before anything is sent must
// never count against an endpoint.
const { simulator, engine } = harness({ checkTimers: true });

/** JSON nested `depth` levels deep: far past what the SDK's serializer survives. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

const DEEP = nested(20_000);
const toolUse: ContentBlock = { toolUse: { toolUseId: 't1', name: 'lookup', input: DEEP as never } };
const toolResult: ContentBlock = { toolResult: { toolUseId: 't1', content: [{ json: DEEP as never }] } };
const TOOLS = { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }] };

/** Converse inputs with 20,000-deep JSON in each pass-through field the issue names. */
const POISON: [string, Omit<ConverseRequest, 'modelId'>][] = [
  [
    'toolSpec.inputSchema.json (a tool’s parameters)',
    {
      messages: userMessage(TOKYO_PROMPT),
      toolConfig: { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: DEEP as never } } }] },
    },
  ],
  [
    'toolUse.input (a tool call’s arguments)',
    {
      messages: [...userMessage(TOKYO_PROMPT), { role: 'assistant', content: [toolUse] }],
      toolConfig: TOOLS,
    },
  ],
  ['toolResult json content', { messages: [{ role: 'user', content: [toolResult] }], toolConfig: TOOLS }],
  [
    'additionalModelRequestFields',
    { messages: userMessage(TOKYO_PROMPT), additionalModelRequestFields: DEEP as never },
  ],
];

/** Two on-demand endpoints whose breakers would open at the first counted failure. */
async function twoEndpoints() {
  const sim = await simulator();
  const ha = engine(sim, {
    chains: {
      haiku: {
        endpoints: [
          { id: 'east', region: 'us-east-1', modelId: HAIKU },
          { id: 'west', region: 'us-west-2', modelId: HAIKU },
        ],
        policy: {
          retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
          breaker: { mode: 'consecutive', failures: 1, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 },
        },
      },
    },
  });
  return { sim, ha, events: recordEvents(ha) };
}

const breakers = (ha: BedrockHA) => ha.health().map((health) => health.breaker);
const budgets = (ha: BedrockHA) => ha.health().map((health) => health.retryBudget);

describe('a request whose content the SDK cannot serialize', () => {
  it.each(POISON)(
    'in %s fails at once as RequestNotSentError, blaming no endpoint',
    async (_field, input) => {
      const { sim, ha, events } = await twoEndpoints();
      const budgetBefore = budgets(ha);
      for (let request = 0; request < 5; request++) {
        const error = await rejection(ha.converse('haiku', input));
        expect(error).toBeInstanceOf(RequestNotSentError);
        const { attempts, cause, message } = error as RequestNotSentError;
        expect(cause).toBeInstanceOf(RangeError);
        expect(message).toMatch(
          /could not be sent.*RangeError: Maximum call stack size exceeded.*no endpoint was called/,
        );
        // One attempt, on the first endpoint: no retry, no failover.
        expect(attemptRows(attempts)).toEqual([['east', 'failure', 'local-error']]);
        expect(attempts[0]?.errorClass).toBe('request');
      }
      expect(breakers(ha)).toEqual(['closed', 'closed']);
      expect(budgets(ha)).toEqual(budgetBefore);
      expect(events.failovers).toEqual([]);
      expect(events.retries).toEqual([]);
      expect(events.breaker).toEqual([]);
      expect(requestCount(sim)).toBe(0);

      const served = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
      expect(served.servedBy.endpointId).toBe('east');
      expect(attemptRows(served.attempts)).toEqual([['east', 'success', undefined]]);
    },
  );

  it('on ConverseStream fails the same way, before any stream opens', async () => {
    const { sim, ha, events } = await twoEndpoints();
    const [, input] = POISON[0]!;
    for (let request = 0; request < 3; request++) {
      const error = await rejection(ha.converseStream('haiku', input));
      expect(error).toBeInstanceOf(RequestNotSentError);
      expect(attemptRows((error as RequestNotSentError).attempts)).toEqual([
        ['east', 'failure', 'local-error'],
      ]);
    }
    expect(breakers(ha)).toEqual(['closed', 'closed']);
    expect(events.failovers).toEqual([]);
    expect(requestCount(sim)).toBe(0);
    const served = await ha.converseStream('haiku', { messages: userMessage(TOKYO_PROMPT) });
    expect(await streamText(served.stream)).toContain('Tokyo');
  });

  it('through the drop-in client (ha.client) fails the same way', async () => {
    const { sim, ha } = await twoEndpoints();
    const [, input] = POISON[2]!;
    const error = await rejection(ha.client.send(new ConverseCommand({ ...input, modelId: 'haiku' })));
    expect(error).toBeInstanceOf(RequestNotSentError);
    expect(breakers(ha)).toEqual(['closed', 'closed']);
    expect(requestCount(sim)).toBe(0);
  });

  it('interleaved with legitimate requests, never opens a breaker and never fails one of them', async () => {
    const { ha, events } = await twoEndpoints();
    const [, poison] = POISON[1]!;
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) =>
        index % 2 === 0
          ? ha.converse('haiku', poison).then(() => 'poison served')
          : ha
              .converse('haiku', { messages: userMessage(TOKYO_PROMPT) })
              .then((result) => result.servedBy.endpointId),
      ),
    );
    const legitimate = results.filter((_, index) => index % 2 === 1);
    expect(legitimate.map((result) => result.status === 'fulfilled' && result.value)).toEqual(
      Array(20).fill('east'),
    );
    const poisoned = results.filter((_, index) => index % 2 === 0);
    for (const result of poisoned)
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(RequestNotSentError);
    expect(breakers(ha)).toEqual(['closed', 'closed']);
    expect(events.breaker).toEqual([]);
  });
});

describe('a poison request as a half-open breaker’s probe', () => {
  it('re-opens the breaker instead of closing it: nothing reached the endpoint to prove it healthy', async () => {
    const sim = await simulator();
    const east = await sim.regions.url('us-east-1');
    await sim.regions.down('us-east-1');
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU, client: { endpoint: east } },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
          policy: {
            retry: { maxAttempts: 1 },
            breaker: { mode: 'consecutive', failures: 1, halfOpenAfterMs: 20, maxHalfOpenAfterMs: 20 },
          },
        },
      },
    });
    const events = recordEvents(ha);
    await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    expect(ha.health()[0]?.breaker).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 60));

    const error = await rejection(ha.converse('haiku', POISON[0]![1]));
    expect(error).toBeInstanceOf(RequestNotSentError);
    expect(events.breaker.map((event) => `${event.endpoint.endpointId} ${event.state}`)).toEqual([
      'east open',
      'east half-open',
      'east open',
    ]);
  });
});

describe('network failures', () => {
  it('name their cause (ECONNREFUSED) in the error message and the attempts', async () => {
    const sim = await simulator();
    const [east, west] = await Promise.all([sim.regions.url('us-east-1'), sim.regions.url('us-west-2')]);
    await Promise.all([sim.regions.down('us-east-1'), sim.regions.down('us-west-2')]);
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [
            { id: 'refused-east', region: 'us-east-1', modelId: HAIKU, client: { endpoint: east } },
            { id: 'refused-west', region: 'us-west-2', modelId: HAIKU, client: { endpoint: west } },
          ],
          policy: { retry: { maxAttempts: 1 }, breaker: { mode: 'off' } },
        },
      },
    });
    const error = await rejection(ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }));
    expect(error).toBeInstanceOf(AllEndpointsFailedError);
    const { attempts, message } = error as AllEndpointsFailedError;
    expect(message).toBe(
      'Every endpoint of chain "haiku" failed: refused-east ECONNREFUSED, refused-west ECONNREFUSED',
    );
    expect(attempts.map((attempt) => [attempt.reason, attempt.errorName, attempt.errorCode])).toEqual([
      ['network', 'Error', 'ECONNREFUSED'],
      ['network', 'Error', 'ECONNREFUSED'],
    ]);
  });
});
