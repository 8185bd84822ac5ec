import type { ConverseRequest } from '@aws-sdk/client-bedrock-runtime';
import { type BedrockHA, type BreakerStateChangeEvent, RequestNotSentError } from '@bedrock-ha/core';
import { createGateway, type GatewayRequest } from '@bedrock-ha/http';
import { describe, expect, it } from 'vitest';
import {
  HAIKU,
  harness,
  load,
  median,
  ms,
  report,
  requestCount,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

// Issue 13 item 1: requests whose own content makes the SDK throw before sending (JSON nested
// 20,000 levels deep), interleaved with legitimate ones. Before the fix, 5 of them opened every
// breaker of a chain (each counted once against each endpoint), /readyz turned 503 and the
// legitimate requests failed with `circuit-open`.
const { simulator, engine } = harness();
const REGIONS = { east: 'us-east-1', west: 'us-west-2', eu: 'eu-west-1' };
const DEPTH = 20_000;
const REQUESTS = 300;
const CONCURRENCY = 20;
/** Every third request is poison. */
const isPoison = (index: number) => index % 3 === 0;

/** JSON text nested `DEPTH` levels deep (as text: JSON.stringify itself overflows on the value). */
const DEEP_TEXT = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
const DEEP = JSON.parse(DEEP_TEXT);
/** Replaces the `"<deep>"` placeholders of `body`'s JSON with the deep JSON. */
const bodyOf = (body: unknown) => JSON.stringify(body).replaceAll('"<deep>"', DEEP_TEXT);

const TOOLS = { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }] };
/** The four pass-through fields, as Converse input for the core. */
const POISON_INPUTS: Omit<ConverseRequest, 'modelId'>[] = [
  {
    messages: userMessage(TOKYO_PROMPT),
    toolConfig: { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: DEEP } } }] },
  },
  {
    messages: [
      ...userMessage(TOKYO_PROMPT),
      { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'lookup', input: DEEP } }] },
    ],
    toolConfig: TOOLS,
  },
  {
    messages: [{ role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ json: DEEP }] } }] }],
    toolConfig: TOOLS,
  },
  { messages: userMessage(TOKYO_PROMPT), additionalModelRequestFields: DEEP },
];

const post = (path: string, body: string): GatewayRequest => ({
  method: 'POST',
  path,
  headers: { 'content-type': 'application/json' },
  body,
});
const tool = (parameters: unknown) => ({ type: 'function', function: { name: 'lookup', parameters } });
/** Poison through the gateway: OpenAI and Converse fields, and one the gateway leaves to the engine. */
const POISON_REQUESTS: GatewayRequest[] = [
  post(
    '/v1/chat/completions',
    bodyOf({ model: 'haiku', messages: [{ role: 'user', content: 'hi' }], tools: [tool('<deep>')] }),
  ),
  post(
    '/v1/chat/completions',
    JSON.stringify({
      model: 'haiku',
      tools: [tool({ type: 'object' })],
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: DEEP_TEXT } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'Tokyo' },
      ],
    }),
  ),
  ...POISON_INPUTS.map((input) =>
    post(
      '/model/haiku/converse',
      JSON.stringify(input, (_key, value) => (value === DEEP ? '<deep>' : value)).replaceAll(
        '"<deep>"',
        DEEP_TEXT,
      ),
    ),
  ),
  // A string member given the deep JSON: no pass-through field, so the engine's own rule answers.
  post('/model/haiku/converse', bodyOf({ messages: [{ role: 'user', content: [{ text: '<deep>' }] }] })),
];
const LEGITIMATE = post(
  '/v1/chat/completions',
  JSON.stringify({ model: 'haiku', messages: [{ role: 'user', content: TOKYO_PROMPT }] }),
);
const READYZ: GatewayRequest = { method: 'GET', path: '/readyz', headers: {}, body: undefined };

/** An engine over three regions with the default policy (a breaker opens after 5 failures). */
async function threeRegions() {
  const sim = await simulator();
  const ha = engine(sim, {
    chains: {
      haiku: { endpoints: Object.entries(REGIONS).map(([id, region]) => ({ id, region, modelId: HAIKU })) },
    },
  });
  const changes: BreakerStateChangeEvent[] = [];
  ha.onBreakerStateChange((event) => changes.push(event));
  let failovers = 0;
  let retries = 0;
  ha.onFailover(() => failovers++);
  ha.onRetry(() => retries++);
  return { sim, ha, changes, counts: () => ({ failovers, retries }) };
}

const breakers = (ha: BedrockHA) => ha.health().map((endpoint) => endpoint.breaker);

describe('poison requests', () => {
  it('through the core: never open a breaker, never fail a legitimate request, never reach Bedrock', async () => {
    const { sim, ha, changes, counts } = await threeRegions();
    const results = await load(REQUESTS, CONCURRENCY, (index) =>
      isPoison(index)
        ? ha.converse('haiku', POISON_INPUTS[(index / 3) % POISON_INPUTS.length]!)
        : ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }),
    );
    const poison = results.filter((_, index) => isPoison(index));
    const legitimate = results.filter((_, index) => !isPoison(index));
    for (const result of poison) {
      expect(result.status).toBe('rejected');
      expect((result as { reason: unknown }).reason).toBeInstanceOf(RequestNotSentError);
    }
    expect(legitimate.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(changes).toEqual([]);
    expect(breakers(ha)).toEqual(['closed', 'closed', 'closed']);
    expect(counts()).toEqual({ failovers: 0, retries: 0 });
    // Only the legitimate requests reached the simulator, each once.
    expect(requestCount(sim)).toBe(legitimate.length);
    report('poison requests, core', {
      poison: poison.length,
      legitimate: legitimate.length,
      legitimateFailed: 0,
      breakerChanges: changes.length,
      upstreamCalls: requestCount(sim),
      poisonMedianMs: ms(median(poison.map((result) => result.ms))),
      legitimateMedianMs: ms(median(legitimate.map((result) => result.ms))),
    });
  });

  it('through the gateway: 400s naming the cause, /readyz stays 200, every legitimate request succeeds', async () => {
    const { sim, ha, changes } = await threeRegions();
    const gateway = createGateway(ha);
    try {
      const readiness: number[] = [];
      const results = await load(REQUESTS, CONCURRENCY, async (index) => {
        if (!isPoison(index)) return gateway.handle(LEGITIMATE);
        const response = await gateway.handle(POISON_REQUESTS[(index / 3) % POISON_REQUESTS.length]!);
        readiness.push((await gateway.handle(READYZ)).status);
        return response;
      });
      const statuses = (poison: boolean) =>
        results
          .filter((_, index) => isPoison(index) === poison)
          .map((result) => (result.status === 'fulfilled' ? result.value.status : 'rejected'));
      const poisonStatuses = statuses(true);
      expect(new Set(poisonStatuses)).toEqual(new Set([400]));
      const legitimate = statuses(false);
      expect(legitimate.filter((status) => status !== 200)).toEqual([]);
      expect(readiness).toHaveLength(poisonStatuses.length);
      expect(new Set(readiness)).toEqual(new Set([200]));
      expect(changes).toEqual([]);
      expect(breakers(ha)).toEqual(['closed', 'closed', 'closed']);
      expect(requestCount(sim)).toBe(legitimate.length);
      report('poison requests, gateway', {
        poison: poisonStatuses.length,
        poisonKinds: POISON_REQUESTS.length,
        legitimate: legitimate.length,
        legitimateNot200: 0,
        readyzChecks: readiness.length,
        readyzNot200: 0,
        breakerChanges: changes.length,
        upstreamCalls: requestCount(sim),
      });
    } finally {
      gateway.close();
    }
  });
});
