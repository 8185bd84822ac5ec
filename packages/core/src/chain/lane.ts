import type { IBackoff } from 'cockatiel';
import { RequestNotSentError } from '../errors/request-not-sent-error.js';
import { fullJitterBackoff } from '../policies/backoff.js';
import type { FailureReason } from '../policies/error-classification.js';
import { mayRetry, retryAllowed } from '../policies/retry-decision.js';
import { sleep } from './abort.js';
import { attemptOnce } from './attempt.js';
import {
  type EndpointAnswer,
  type LaneResult,
  type RunnerContext,
  type RunnerRequest,
  type Step,
  throwIfCancelled,
} from './chain-request.js';
import { type Endpoint, endpointRef } from './endpoint.js';
import type { EndpointQueue } from './endpoint-queue.js';

/** One lane of a request: endpoints from the queue, in turn, until one serves or none is left. */
export async function runLane<T>(
  context: RunnerContext,
  request: RunnerRequest,
  queue: EndpointQueue,
  step: Step<T>,
): Promise<LaneResult<T>> {
  let lastError: unknown;
  let next = queue.take();
  while (next) {
    const { endpoint, index } = next;
    const result = await tryEndpoint(context, request, endpoint, step);
    if ('answer' in result) return { answer: { ...result.answer, index } };
    if ('error' in result) lastError = result.error;
    next = queue.take();
    if (context.events.failover.listening)
      context.events.failover.emit({
        chain: context.chain,
        from: endpointRef(endpoint),
        to: next && endpointRef(next.endpoint),
        reason: result.reason,
        resumed: false,
      });
  }
  return { lastError };
}

/** Why the chain leaves an endpoint, and the error that made it, if any. */
type Leaving = { readonly reason: FailureReason; readonly error?: unknown };

/** Attempts one endpoint until it serves, or the policy says to move on. */
async function tryEndpoint<T>(
  context: RunnerContext,
  request: RunnerRequest,
  endpoint: Endpoint,
  step: Step<T>,
): Promise<{ answer: Omit<EndpointAnswer<T>, 'index'> } | Leaving> {
  let delays: IBackoff<unknown> | undefined;
  for (let attempt = 1; ; attempt++) {
    throwIfCancelled(context, request);
    const result = await attemptOnce(context, request, endpoint, step, attempt);
    if ('answer' in result) return result;
    if ('skipped' in result) return { reason: result.skipped };
    const { error, verdict } = result;
    if (verdict.reason === 'local-error')
      throw new RequestNotSentError(context.chain, [...request.attempts], error);
    if (verdict.errorClass === 'request') throw error;
    if (verdict.errorClass === 'endpoint' || !retryAllowed(endpoint, attempt, verdict))
      return { reason: verdict.reason, error };
    delays = delays
      ? delays.next(undefined)
      : fullJitterBackoff(endpoint.policy.retry, context.random).next(undefined);
    if (!(await mayRetry(context, request, endpoint, attempt, verdict, delays.duration)))
      return { reason: verdict.reason, error };
    if (context.events.retry.listening)
      context.events.retry.emit({
        chain: context.chain,
        endpoint: endpointRef(endpoint),
        attempt,
        reason: verdict.reason,
        delayMs: delays.duration,
      });
    try {
      await sleep(delays.duration, request.clock.signal);
    } catch {
      throwIfCancelled(context, request);
    }
  }
}
