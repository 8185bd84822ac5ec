import type { Chain, Endpoint } from '../chain/endpoint.js';

/** The longest one endpoint can hold a request before the chain fails over from it. */
export interface EndpointWorstCase {
  readonly endpointId: string;
  /** Attempts on this endpoint: `retry.maxAttempts`. */
  readonly attempts: number;
  /** Every attempt timing out at `timeouts.attemptMs`, with the longest backoff between them. */
  readonly unaryMs: number;
  /** The same for a stream's first content, each attempt timing out at `timeouts.firstTokenMs`. */
  readonly streamFirstTokenMs: number;
}

/** The worst case of one chain: every attempt on every endpoint times out. */
export interface ChainWorstCase {
  readonly chain: string;
  /** Attempts in all, without a deadline: the sum of every endpoint's `retry.maxAttempts`. */
  readonly attempts: number;
  /** Time in all for a one-shot request (Converse, InvokeModel), without a deadline. */
  readonly unaryMs: number;
  /** Time in all to a stream's first content, without a deadline. */
  readonly streamFirstTokenMs: number;
  /** The chain's deadline (its own, or the config's), if it has one. */
  readonly deadlineMs: number | undefined;
  /**
   * Endpoints a one-shot request can still reach within the deadline when each one before fails
   * as slowly as it can (all of them without a deadline).
   */
  readonly reachableEndpoints: number;
  /** The same for a stream waiting for its first content. */
  readonly streamReachableEndpoints: number;
  readonly endpoints: readonly EndpointWorstCase[];
}

/**
 * The longest an endpoint can hold a request: `maxAttempts` attempts that each time out after
 * `perAttemptMs`, separated by the longest backoff the retry policy allows (the n-th retry waits
 * at most `min(maxDelayMs, baseDelayMs * 2^n)`, n from 0). The retry budget can only make it
 * shorter, so it is taken as full.
 */
export function endpointWorstCaseMs(endpoint: Endpoint, perAttemptMs: number): number {
  const { maxAttempts, baseDelayMs, maxDelayMs } = endpoint.policy.retry;
  let total = maxAttempts * perAttemptMs;
  for (let retry = 0; retry < maxAttempts - 1; retry++)
    total += Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
  return total;
}

/**
 * The worst-case attempts and time of a request on a chain: retries x endpoints x timeouts, plus
 * backoff caps, from each endpoint's resolved policy. Failing over costs no wait; a hedge only
 * shortens the time, so it is left out. Against the deadline: how many endpoints a request can
 * still reach when each one before it fails as slowly as it can.
 */
export function chainWorstCase(chain: Chain): ChainWorstCase {
  const endpoints = chain.endpoints.map((endpoint) => ({
    endpointId: endpoint.id,
    attempts: endpoint.policy.retry.maxAttempts,
    unaryMs: endpointWorstCaseMs(endpoint, endpoint.policy.timeouts.attemptMs),
    streamFirstTokenMs: endpointWorstCaseMs(endpoint, endpoint.policy.timeouts.firstTokenMs),
  }));
  const sum = (pick: (endpoint: EndpointWorstCase) => number) =>
    endpoints.reduce((total, endpoint) => total + pick(endpoint), 0);
  return {
    chain: chain.name,
    attempts: sum((endpoint) => endpoint.attempts),
    unaryMs: sum((endpoint) => endpoint.unaryMs),
    streamFirstTokenMs: sum((endpoint) => endpoint.streamFirstTokenMs),
    deadlineMs: chain.deadlineMs,
    reachableEndpoints: reachable(endpoints, chain.deadlineMs, (endpoint) => endpoint.unaryMs),
    streamReachableEndpoints: reachable(
      endpoints,
      chain.deadlineMs,
      (endpoint) => endpoint.streamFirstTokenMs,
    ),
    endpoints,
  };
}

/** Endpoints that start before the deadline when every one before them takes its worst case. */
function reachable(
  endpoints: readonly EndpointWorstCase[],
  deadlineMs: number | undefined,
  cost: (endpoint: EndpointWorstCase) => number,
): number {
  if (deadlineMs === undefined) return endpoints.length;
  let elapsed = 0;
  let count = 0;
  for (const endpoint of endpoints) {
    if (elapsed >= deadlineMs) break;
    count++;
    elapsed += cost(endpoint);
  }
  return count;
}
