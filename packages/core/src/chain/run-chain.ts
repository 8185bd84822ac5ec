import { AllEndpointsFailedError } from '../errors/all-endpoints-failed-error.js';
import { DeadlineExceededError } from '../errors/deadline-exceeded-error.js';
import {
  allFailed,
  type EndpointAnswer,
  type RunnerContext,
  type RunnerRequest,
  type Step,
} from './chain-request.js';
import type { Endpoint } from './endpoint.js';
import { EndpointQueue } from './endpoint-queue.js';
import { runHedged } from './hedging.js';
import { runLane } from './lane.js';

/**
 * Runs a request down an ordered list of endpoints: on each, attempts through its bulkhead,
 * breaker and timeout; retries transient errors with jittered backoff while the retry budget and
 * deadline allow; fails over on endpoint errors and exhausted retries; surfaces request errors at
 * once. With `hedgeAfterMs`, a second lane starts on the next endpoint when the first has not
 * answered by then. Throws {@link AllEndpointsFailedError}, {@link DeadlineExceededError}, the
 * caller's abort reason, or the request error itself.
 */
export async function runChain<T>(
  context: RunnerContext,
  request: RunnerRequest,
  order: readonly Endpoint[],
  step: Step<T>,
  hedgeAfterMs?: number,
): Promise<EndpointAnswer<T>> {
  const queue = new EndpointQueue(order);
  try {
    if (hedgeAfterMs !== undefined && order.length > 1)
      return await runHedged(context, request, queue, step, hedgeAfterMs);
    const result = await runLane(context, request, queue, step);
    if ('answer' in result) return result.answer;
    throw allFailed(context, request, result.lastError);
  } catch (error) {
    if (error instanceof DeadlineExceededError)
      context.events.deadlineExceeded.emit({
        chain: context.chain,
        deadlineMs: error.deadlineMs,
        attempts: error.attempts,
      });
    throw error;
  }
}
