import { type Simulator, type SimulatorOptions, startSimulator } from '@bedrock-ha/simulator';
import {
  CREDENTIALS,
  HAIKU,
  outcomesIn,
  TOKYO,
  UNLIMITED,
  userMessage,
  watchTimers,
} from '@bedrock-ha/test-kit';
import { afterEach, beforeEach, expect } from 'vitest';
import {
  type Attempt,
  type BedrockHA,
  type BedrockHAConfig,
  type BedrockHAOptions,
  type BreakerStateChangeEvent,
  type BudgetExhaustedEvent,
  createBedrockHA,
  type DeadlineExceededEvent,
  type FailoverEvent,
  type RetryEvent,
} from '../src/index.js';

export { CREDENTIALS, HAIKU, outcomesIn, UNLIMITED, userMessage, watchTimers };

/** The AWS sample's prompt (the test kit's `TOKYO`); the simulator answers "Tokyo". */
export const TOKYO_PROMPT = TOKYO;
export const NOVA = 'amazon.nova-micro-v1:0';

/** The ARN of a PT the simulator declares with `id`. */
export function ptArn(region: string, id: string): string {
  return `arn:aws:bedrock:${region}:123456789012:provisioned-model/${id}`;
}

/** A PT of Claude 3 Haiku for the simulator's `provisionedThroughputs`. */
export function haikuPt(region: string, id: string, extra: Record<string, unknown> = {}) {
  return { name: `pt-${id}`, region, modelId: `${HAIKU}:48k`, id, ...extra };
}

/** Options of {@link harness}. */
export interface HarnessOptions {
  /**
   * After each test has closed its engines and simulators, fail it if a timer it created is still
   * pending (see {@link watchTimers}): a deadline, backoff or attempt timeout never cleared.
   */
  readonly checkTimers?: boolean;
}

/**
 * Starts simulators and engines for the current test file and closes them after each test, so a
 * failing assertion never leaves a server or a socket open.
 */
export function harness(options: HarnessOptions = {}) {
  const simulators: Simulator[] = [];
  const engines: BedrockHA[] = [];
  let timers: ReturnType<typeof watchTimers> | undefined;
  if (options.checkTimers)
    beforeEach(() => {
      timers = watchTimers();
    });
  afterEach(async () => {
    for (const ha of engines.splice(0)) ha.destroy();
    await Promise.all(simulators.splice(0).map((sim) => sim.close()));
    if (timers) expect(await timers.left(), 'timers left running after the test').toEqual([]);
    timers = undefined;
  });
  return {
    async simulator(options: SimulatorOptions = {}): Promise<Simulator> {
      const sim = await startSimulator(options);
      simulators.push(sim);
      return sim;
    },
    /** An engine whose every client talks to `sim` with fake credentials. */
    engine(sim: Pick<Simulator, 'url'>, config: BedrockHAConfig, options: BedrockHAOptions = {}): BedrockHA {
      const ha = createBedrockHA(
        { ...config, client: { endpoint: sim.url, credentials: CREDENTIALS, ...config.client } },
        { telemetry: false, ...options },
      );
      engines.push(ha);
      return ha;
    },
  };
}

/** Collects a ConverseStream's text. */
export async function streamText(
  stream: AsyncIterable<{ contentBlockDelta?: { delta?: { text?: string } } }>,
) {
  let text = '';
  for await (const event of stream) text += event.contentBlockDelta?.delta?.text ?? '';
  return text;
}

/** A ConverseStream event's text. */
export function converseText(event: { contentBlockDelta?: { delta?: { text?: string } } }): string {
  return event.contentBlockDelta?.delta?.text ?? '';
}

/** An InvokeModelWithResponseStream chunk's text, Anthropic (`delta.text`) or Nova (`contentBlockDelta`). */
export function chunkText(event: { chunk?: { bytes?: Uint8Array } }): string {
  if (!event.chunk?.bytes) return '';
  const body = JSON.parse(new TextDecoder().decode(event.chunk.bytes));
  return body.delta?.text ?? body.contentBlockDelta?.delta?.text ?? '';
}

/** Reads a stream to its end or its error: every event, the text it carried, and how it ended. */
export async function drain<E>(stream: AsyncIterable<E>, text: (event: E) => string) {
  const events: E[] = [];
  let received = '';
  let error: unknown;
  try {
    for await (const event of stream) {
      events.push(event);
      received += text(event);
    }
  } catch (caught) {
    error = caught;
  }
  return { events, text: received, error };
}

/** How each request ended. */
export type Settled<T> = { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };

/**
 * Waits for every request to settle, failing if any is still pending after `withinMs` (a hung
 * request) or if fewer settled than were issued (a lost one).
 */
export async function settleAll<T>(
  requests: readonly Promise<T>[],
  withinMs = 15_000,
): Promise<Settled<T>[]> {
  let settled = 0;
  const counted = requests.map((request) =>
    request.then(
      (value): Settled<T> => {
        settled++;
        return { status: 'fulfilled', value };
      },
      (reason: unknown): Settled<T> => {
        settled++;
        return { status: 'rejected', reason };
      },
    ),
  );
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    watchdog = setTimeout(
      () =>
        reject(
          new Error(
            `${requests.length - settled} of ${requests.length} requests still pending after ${withinMs} ms`,
          ),
        ),
      withinMs,
    );
  });
  try {
    const results = await Promise.race([Promise.all(counted), hung]);
    expect(settled).toBe(requests.length);
    return results;
  } finally {
    clearTimeout(watchdog);
  }
}

/** Settles one request (see {@link settleAll}) and says how long it took from this call. */
export async function settle<T>(
  request: Promise<T>,
  withinMs?: number,
): Promise<Settled<T> & { ms: number }> {
  const started = performance.now();
  const [result] = await settleAll([request], withinMs);
  return { ...result!, ms: performance.now() - started };
}

/** The error a request rejected with; fails the test if it succeeded. */
export async function rejection(request: Promise<unknown>, withinMs?: number): Promise<unknown> {
  const result = await settle(request, withinMs);
  if (result.status === 'fulfilled') throw new Error('expected the request to fail, but it succeeded');
  return result.reason;
}

/** Attempts as `[endpointId, outcome, reason]` rows, easy to compare whole. */
export function attemptRows(
  attempts: readonly Attempt[],
): [string, Attempt['outcome'], string | undefined][] {
  return attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome, attempt.reason]);
}

/** Records the engine's decisions, in order, for assertions. */
export function recordEvents(ha: BedrockHA) {
  const events = {
    failovers: [] as FailoverEvent[],
    retries: [] as RetryEvent[],
    breaker: [] as BreakerStateChangeEvent[],
    budgetExhausted: [] as BudgetExhaustedEvent[],
    deadlines: [] as DeadlineExceededEvent[],
    /** Failovers as `[from, to, reason]`. */
    hops: () => events.failovers.map((event) => [event.from.endpointId, event.to?.endpointId, event.reason]),
  };
  ha.onFailover((event) => events.failovers.push(event));
  ha.onRetry((event) => events.retries.push(event));
  ha.onBreakerStateChange((event) => events.breaker.push(event));
  ha.onBudgetExhausted((event) => events.budgetExhausted.push(event));
  ha.onDeadlineExceeded((event) => events.deadlines.push(event));
  return events;
}

/** How many requests the simulator received, in a region and/or for a model. */
export function requestCount(
  sim: Pick<Simulator, 'counters'>,
  filter: { region?: string; model?: string } = {},
): number {
  return sim.counters(filter).reduce((sum, counter) => sum + counter.requests, 0);
}

/**
 * A seeded pseudo-random source for an engine's `random` option (mulberry32): routing and jitter
 * decisions repeat run after run, so a test of a share of traffic does not depend on chance.
 */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
