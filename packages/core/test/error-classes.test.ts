import { ValidationException } from '@aws-sdk/client-bedrock-runtime';
import type { Simulator } from '@bedrock-ha/simulator';
import { describe, expect, it, vi } from 'vitest';
import {
  AllEndpointsFailedError,
  type AttemptEvent,
  BedrockHAError,
  type EndpointConfig,
  type PolicyConfig,
} from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  haikuPt,
  harness,
  ptArn,
  recordEvents,
  rejection,
  requestCount,
  settle,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
const PT = ptArn('us-east-1', 'errorclass01');
/** Three attempts per endpoint, so a test can tell "not retried" from "retried". */
const THREE_TRIES: PolicyConfig = {
  retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
  // One counted failure would open it: a request error must leave it closed.
  breaker: { mode: 'consecutive', failures: 1, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 },
};

/** A primary in us-east-1 (on-demand unless given) and an on-demand fallback in us-west-2. */
async function primaryAndFallback(primary: Partial<EndpointConfig> = {}, policy: PolicyConfig = THREE_TRIES) {
  const sim = await simulator({
    provisionedThroughputs: [
      haikuPt('us-east-1', 'errorclass01'),
      haikuPt('us-east-1', 'creatingpt01', { status: 'Creating' }),
    ],
    provisioning: { delayMs: 600_000 },
  });
  const ha = engine(sim, {
    chains: {
      haiku: {
        endpoints: [
          { id: 'primary', region: 'us-east-1', modelId: HAIKU, ...primary },
          { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
        ],
        policy,
      },
    },
  });
  const events = recordEvents(ha);
  const attempts: AttemptEvent[] = [];
  ha.onAttempt((attempt) => attempts.push(attempt));
  const ask = (messages = userMessage(TOKYO_PROMPT)) => ha.converse('haiku', { messages });
  return { sim, ha, events, attempts, ask };
}

const failPrimary = (sim: Simulator, error: string) =>
  sim.faults.add({
    match: { region: 'us-east-1' },
    fault: { type: 'error', error: error as 'ThrottlingException' },
  });

describe('request errors (ValidationException)', () => {
  it.each([
    ['a real invalid request (no messages)', () => [], undefined],
    ['an injected ValidationException', () => userMessage(TOKYO_PROMPT), 'ValidationException'],
  ] as const)(
    '%s: one attempt, no failover, breaker untouched, the SDK error surfaces',
    async (_title, messages, inject) => {
      const { sim, ha, events, attempts, ask } = await primaryAndFallback();
      if (inject) failPrimary(sim, inject);

      const error = await rejection(ask(messages()));
      expect(error).toBeInstanceOf(ValidationException);
      expect(BedrockHAError.isInstance(error)).toBe(false);
      expect(
        attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.errorClass, attempt.reason]),
      ).toEqual([['primary', 'request', 'invalid-request']]);
      expect(events.failovers).toEqual([]);
      expect(events.retries).toEqual([]);
      expect(events.breaker).toEqual([]);
      expect(ha.health().map((endpoint) => endpoint.breaker)).toEqual(['closed', 'closed']);
      expect([
        requestCount(sim, { region: 'us-east-1' }),
        requestCount(sim, { region: 'us-west-2' }),
      ]).toEqual([1, 0]);
    },
  );
});

describe('endpoint errors: one attempt on that endpoint, then failover', () => {
  it.each([
    ['AccessDeniedException', 'access-denied'],
    ['ResourceNotFoundException', 'not-found'],
    ['ModelNotReadyException', 'model-not-ready'],
  ])('%s (injected) is not retried even with maxAttempts 3', async (error, reason) => {
    const { sim, events, ask } = await primaryAndFallback();
    failPrimary(sim, error);
    const result = await ask();
    expect(result.servedBy.endpointId).toBe('fallback');
    expect(attemptRows(result.attempts)).toEqual([
      ['primary', 'failure', reason],
      ['fallback', 'success', undefined],
    ]);
    expect(result.attempts[0]).toMatchObject({ errorClass: 'endpoint', errorName: error });
    expect(events.retries).toEqual([]);
    expect(events.hops()).toEqual([['primary', 'fallback', reason]]);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(1);
  });

  it.each([
    ['an invalid model id', { modelId: 'anthropic.nope-v1:0' }, 'invalid-model', 'ValidationException'],
    [
      'an unknown PT',
      { modelId: ptArn('us-east-1', 'nosuchpt0001') },
      'not-found',
      'ResourceNotFoundException',
    ],
    [
      'a PT still being created',
      { modelId: ptArn('us-east-1', 'creatingpt01') },
      'model-not-ready',
      'ModelNotReadyException',
    ],
  ] as const)('%s, as the simulator rejects it, fails over', async (_title, primary, reason, errorName) => {
    const { sim, ask } = await primaryAndFallback(primary);
    const result = await ask();
    expect(result.servedBy.endpointId).toBe('fallback');
    expect(result.attempts[0]).toMatchObject({
      outcome: 'failure',
      errorClass: 'endpoint',
      reason,
      errorName,
    });
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(1);
  });
});

describe('transient errors: retried up to maxAttempts, then failover', () => {
  it.each([
    ['ServiceUnavailableException', 'unavailable'],
    ['InternalServerException', 'server-error'],
    ['ModelTimeoutException', 'model-timeout'],
    ['ThrottlingException', 'throttled'],
  ])('%s on an on-demand endpoint', async (error, reason) => {
    const { sim, events, ask } = await primaryAndFallback({}, { ...THREE_TRIES, breaker: { mode: 'off' } });
    failPrimary(sim, error);
    const result = await ask();
    expect(attemptRows(result.attempts)).toEqual([
      ['primary', 'failure', reason],
      ['primary', 'failure', reason],
      ['primary', 'failure', reason],
      ['fallback', 'success', undefined],
    ]);
    expect(events.retries.map((retry) => [retry.attempt, retry.reason])).toEqual([
      [1, reason],
      [2, reason],
    ]);
    expect(events.hops()).toEqual([['primary', 'fallback', reason]]);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(3);
  });

  it('a connection reset', async () => {
    const { sim, events, ask } = await primaryAndFallback({}, { ...THREE_TRIES, breaker: { mode: 'off' } });
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'reset' } });
    const result = await ask();
    expect(attemptRows(result.attempts)).toEqual([
      ...Array(3).fill(['primary', 'failure', 'network']),
      ['fallback', 'success', undefined],
    ]);
    expect(events.retries).toHaveLength(2);
    expect(sim.counters({ region: 'us-east-1' })[0]?.outcomes).toEqual({ reset: 3 });
  });

  it('a region that refuses connections', async () => {
    const sim = await simulator();
    const east = await sim.regions.url('us-east-1');
    await sim.regions.down('us-east-1');
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [
            { id: 'primary', region: 'us-east-1', modelId: HAIKU, client: { endpoint: east } },
            { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
          ],
          policy: { ...THREE_TRIES, breaker: { mode: 'off' } },
        },
      },
    });
    const events = recordEvents(ha);
    const result = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    expect(result.servedBy.endpointId).toBe('fallback');
    expect(result.attempts.slice(0, 3).map((attempt) => [attempt.reason, attempt.errorName])).toEqual(
      Array(3).fill(['network', 'Error']),
    );
    expect(result.attempts[0]?.errorMessage).toMatch(/ECONNREFUSED/);
    expect(events.retries).toHaveLength(2);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(0);
  });
});

describe('Provisioned Throughput throttling', () => {
  it('fails over at once by default, even with maxAttempts 3', async () => {
    const { sim, events, ask } = await primaryAndFallback({ modelId: PT, region: undefined });
    failPrimary(sim, 'ThrottlingException');
    const result = await ask();
    expect(attemptRows(result.attempts)).toEqual([
      ['primary', 'failure', 'throttled'],
      ['fallback', 'success', undefined],
    ]);
    expect(events.retries).toEqual([]);
    expect(requestCount(sim, { region: 'us-east-1' })).toBe(1);
  });

  it("is retried with provisionedThrottling: 'retry'", async () => {
    const { sim, events, ask } = await primaryAndFallback(
      { modelId: PT, region: undefined, policy: { retry: { provisionedThrottling: 'retry' } } },
      { ...THREE_TRIES, breaker: { mode: 'off' } },
    );
    sim.faults.add({
      match: { model: PT },
      when: { times: 2 },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const result = await ask();
    expect(attemptRows(result.attempts)).toEqual([
      ['primary', 'failure', 'throttled'],
      ['primary', 'failure', 'throttled'],
      ['primary', 'success', undefined],
    ]);
    expect(events.retries).toHaveLength(2);
  });
});

describe('attempt timeouts', () => {
  it.each([
    ['hangs', { type: 'hang' }, 'hang'],
    ['answers after 2 s', { type: 'latency', ms: 2_000 }, 'aborted'],
  ] as const)(
    'a primary that %s times out, fails over, and the abort reaches the socket',
    async (_title, fault, logged) => {
      const { sim, ask } = await primaryAndFallback(
        {},
        { retry: { maxAttempts: 1 }, timeouts: { attemptMs: 150 } },
      );
      sim.faults.add({ match: { region: 'us-east-1' }, fault });
      const result = await settle(ask());
      if (result.status === 'rejected') throw result.reason;
      expect(result.ms).toBeLessThan(1_000);
      expect(result.value.servedBy.endpointId).toBe('fallback');
      expect(result.value.attempts[0]).toMatchObject({
        outcome: 'failure',
        errorName: 'AttemptTimeoutError',
        reason: 'timeout',
      });
      // The simulator logs a request when it ends: this one ended because the client hung up.
      await vi.waitFor(() =>
        expect(sim.counters({ region: 'us-east-1' })[0]?.outcomes).toEqual({ [logged]: 1 }),
      );
      expect(sim.requests()[0]?.durationMs).toBeLessThan(1_000);
    },
  );
});

describe('every endpoint failing', () => {
  it('throws one AllEndpointsFailedError listing each attempt, within the attempt bound', async () => {
    const sim = await simulator();
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: ['us-east-1', 'us-west-2', 'eu-central-1'].map((region) => ({ region, modelId: HAIKU })),
          policy: { retry: { maxAttempts: 2, baseDelayMs: 1 }, breaker: { mode: 'off' } },
        },
      },
    });
    sim.faults.add({ fault: { type: 'error', error: 'ServiceUnavailableException' } });
    const error = await rejection(ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }));
    expect(error).toBeInstanceOf(AllEndpointsFailedError);
    if (!(error instanceof AllEndpointsFailedError)) return;
    expect(BedrockHAError.isInstance(error)).toBe(true);
    expect(error.chain).toBe('haiku');
    expect(
      error.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.attempt, attempt.errorName]),
    ).toEqual(
      ['us-east-1', 'us-west-2', 'eu-central-1'].flatMap((region) => [
        [`${region}/${HAIKU}`, 1, 'ServiceUnavailableException'],
        [`${region}/${HAIKU}`, 2, 'ServiceUnavailableException'],
      ]),
    );
    expect((error.cause as Error).name).toBe('ServiceUnavailableException');
    expect(error.message).toContain('us-east-1/');
    // The bound: 3 endpoints x maxAttempts 2.
    expect(sim.requests()).toHaveLength(6);
    // Each failed attempt's own error, in order, and the last one again as lastError.
    expect(error.reason).toBe('all-unavailable');
    expect(error.errors.map((each) => (each as Error).name)).toEqual(
      Array(6).fill('ServiceUnavailableException'),
    );
    expect(error.lastError).toBe(error.errors[5]);
    expect(error.lastError).toBe(error.cause);
  });

  it.each([
    ['all-throttled', ['ThrottlingException', 'ThrottlingException']],
    ['mixed', ['ThrottlingException', 'InternalServerException']],
    ['all-unavailable', ['InternalServerException', 'ServiceUnavailableException']],
  ] as const)('says %s when the endpoints answer %j', async (reason, answers) => {
    const sim = await simulator();
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: ['us-east-1', 'us-west-2'].map((region) => ({ region, modelId: HAIKU })),
          policy: { retry: { maxAttempts: 1 }, breaker: { mode: 'off' } },
        },
      },
    });
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'error', error: answers[0] } });
    sim.faults.add({ match: { region: 'us-west-2' }, fault: { type: 'error', error: answers[1] } });
    const error = await rejection(ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }));
    expect(AllEndpointsFailedError.isInstance(error)).toBe(true);
    if (!AllEndpointsFailedError.isInstance(error)) return;
    expect(error.reason).toBe(reason);
    expect(error.errors.map((each) => (each as Error).name)).toEqual(answers);
    expect((error.lastError as Error).name).toBe(answers[1]);
  });

  it("says all-skipped when every endpoint's breaker is open", async () => {
    const sim = await simulator();
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [{ region: 'us-east-1', modelId: HAIKU }],
          policy: {
            retry: { maxAttempts: 1 },
            breaker: {
              mode: 'consecutive',
              failures: 1,
              halfOpenAfterMs: 60_000,
              maxHalfOpenAfterMs: 60_000,
            },
          },
        },
      },
    });
    sim.faults.add({ fault: { type: 'error', error: 'InternalServerException' } });
    const ask = () => rejection(ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) }));
    expect(await ask()).toMatchObject({ reason: 'all-unavailable' });
    const skipped = await ask();
    expect(skipped).toMatchObject({ reason: 'all-skipped', errors: [], lastError: undefined });
    expect(sim.requests()).toHaveLength(1);
  });
});
