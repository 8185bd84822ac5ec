import type { Message } from '@aws-sdk/client-bedrock-runtime';
import {
  type Attempt,
  type BedrockHA,
  type BedrockHAConfig,
  type BedrockHAOptions,
  createBedrockHA,
} from '@bedrock-ha/core';
import { type Simulator, type SimulatorOptions, startSimulator } from '@bedrock-ha/simulator';
import { afterEach, expect } from 'vitest';

// A copy of the ideas of packages/core/test/harness.ts, kept here so the chaos suite uses each
// package only through its public exports.

/** Fake credentials: the simulator reads only the region from the SigV4 scope. */
export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
/** The AWS sample's prompt; the simulator answers "Tokyo". */
export const TOKYO_PROMPT = 'what is the largest city in the world? only give the answer with no details';
/** A prompt with a generated, several-sentence answer, for streams. */
export const STORY_PROMPT = 'Explain failover in a few sentences.';
/** Quotas high enough that the simulator throttles only when a fault says so. */
export const UNLIMITED = { requestsPerMinute: 1e9, tokensPerMinute: 1e12, maxConcurrent: 1e6 };

/** The ARN of a PT the simulator declares with `id`. */
export function ptArn(region: string, id: string): string {
  return `arn:aws:bedrock:${region}:123456789012:provisioned-model/${id}`;
}

/** Converse `messages` with one user turn. */
export function userMessage(text: string): Message[] {
  return [{ role: 'user', content: [{ text }] }];
}

/** Starts simulators and engines for a test file and closes them after each test. */
export function harness() {
  const simulators: Simulator[] = [];
  const engines: BedrockHA[] = [];
  afterEach(async () => {
    for (const ha of engines.splice(0)) ha.destroy();
    await Promise.all(simulators.splice(0).map((sim) => sim.close()));
  });
  return {
    /** A simulator with quotas lifted (unless `options` sets its own). */
    async simulator(options: SimulatorOptions = {}): Promise<Simulator> {
      const sim = await startSimulator({ quotas: { onDemand: UNLIMITED }, ...options });
      simulators.push(sim);
      return sim;
    },
    /** An engine whose every client talks to `sim` with fake credentials, telemetry off. */
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

/** How each request ended. */
export type Settled<T> =
  | { status: 'fulfilled'; value: T; ms: number }
  | { status: 'rejected'; reason: unknown; ms: number };

/**
 * Runs `request` `count` times on `concurrency` loops and waits for all of them, failing if no
 * request settles for `stallMs` (a hung request stalls its loop, and at the end everything waits
 * on it) or if fewer settled than were issued (a lost one). Results are in issue order, each with
 * its duration.
 */
export async function load<T>(
  count: number,
  concurrency: number,
  request: (index: number) => Promise<T>,
  stallMs = 20_000,
): Promise<Settled<T>[]> {
  const results: Settled<T>[] = new Array(count);
  let issued = 0;
  let settled = 0;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let fail: (error: Error) => void = () => {};
  const stalled = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // Re-armed at every settlement: it measures time without progress, not the whole run.
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(
      () =>
        fail(
          new Error(
            `${issued - settled} of ${issued} requests still pending after ${stallMs} ms without progress`,
          ),
        ),
      stallMs,
    );
  };
  const loop = async () => {
    while (issued < count) {
      const index = issued++;
      const started = performance.now();
      try {
        const value = await request(index);
        results[index] = { status: 'fulfilled', value, ms: performance.now() - started };
      } catch (reason) {
        results[index] = { status: 'rejected', reason, ms: performance.now() - started };
      }
      settled++;
      arm();
    }
  };
  arm();
  try {
    await Promise.race([Promise.all(Array.from({ length: concurrency }, loop)), stalled]);
  } finally {
    clearTimeout(watchdog);
  }
  expect(settled).toBe(count);
  return results;
}

/** The values of fulfilled results; fails the test with the first rejection if there is one. */
export function values<T>(results: readonly Settled<T>[]): T[] {
  const failed = results.find((result) => result.status === 'rejected');
  if (failed?.status === 'rejected') throw failed.reason;
  return results.map((result) => (result as { value: T }).value);
}

/** Attempts as `[endpointId, outcome, reason]` rows, easy to compare whole. */
export function attemptRows(
  attempts: readonly Attempt[],
): [string, Attempt['outcome'], string | undefined][] {
  return attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome, attempt.reason]);
}

/** A ConverseStream event's text. */
export function converseText(event: { contentBlockDelta?: { delta?: { text?: string } } }): string {
  return event.contentBlockDelta?.delta?.text ?? '';
}

/** Reads a stream to its end or its error: the text it carried, and how it ended. */
export async function drain<E>(stream: AsyncIterable<E> | undefined, text: (event: E) => string) {
  let received = '';
  let error: unknown;
  try {
    for await (const event of stream ?? []) received += text(event);
  } catch (caught) {
    error = caught;
  }
  return { text: received, error };
}

/** How many requests the simulator received, in a region and/or for a model. */
export function requestCount(
  sim: Pick<Simulator, 'counters'>,
  filter: { region?: string; model?: string } = {},
): number {
  return sim.counters(filter).reduce((sum, counter) => sum + counter.requests, 0);
}

/** The `p` quantile (0..1) of `numbers` (nearest rank); NaN for none, so an assertion on it fails. */
export function percentile(numbers: readonly number[], p: number): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? Number.NaN;
}

/** The median of `numbers`. */
export function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Rounds milliseconds to a microsecond, for readable logs. */
export const ms = (value: number) => Math.round(value * 1000) / 1000;

/** Logs a scenario's measured figures, so a CI log shows the values behind each pass. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  console.log(`[chaos] ${scenario}: ${JSON.stringify(figures)}`);
}

/** How many requests the simulator logged for a region, by outcome (`success`, `aborted`, an error name...). */
export function outcomesIn(sim: Pick<Simulator, 'counters'>, region: string): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const counter of sim.counters({ region }))
    for (const [outcome, count] of Object.entries(counter.outcomes))
      outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
  return outcomes;
}
