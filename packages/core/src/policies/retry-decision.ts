import type { RunnerContext, RunnerRequest } from '../chain/chain-request.js';
import { type Endpoint, endpointRef } from '../chain/endpoint.js';
import type { Classification } from './error-classification.js';

/**
 * Whether the endpoint's policy lets a transient failure be retried at all, before its backoff is
 * worked out: a chain of one attempt per endpoint (or a provisioned throughput that spills at once)
 * fails over without building a backoff.
 */
export function retryAllowed(endpoint: Endpoint, attempt: number, verdict: Classification): boolean {
  const { retry } = endpoint.policy;
  // The AWS sample's rule: a saturated PT will not have capacity a moment later; spill at once.
  if (
    verdict.reason === 'throttled' &&
    endpoint.kind === 'provisioned' &&
    retry.provisionedThrottling === 'failover'
  )
    return false;
  return attempt < retry.maxAttempts;
}

/**
 * Whether a transient failure is retried on the same endpoint after `delayMs`; takes its budget.
 * Synchronous with the in-memory state store; a networked store's answer is awaited.
 */
export async function mayRetry(
  context: RunnerContext,
  request: RunnerRequest,
  endpoint: Endpoint,
  attempt: number,
  verdict: Classification,
  delayMs: number,
): Promise<boolean> {
  const throttled = verdict.reason === 'throttled';
  if (!retryAllowed(endpoint, attempt, verdict)) return false;
  // A backoff that outlasts the deadline is time better spent on the next endpoint.
  if (delayMs >= request.clock.remainingMs()) return false;
  const { budget } = context.state(endpoint);
  if (budget && !(await budget.tryAcquire(throttled ? 'throttling' : 'other'))) {
    context.events.budgetExhausted.emit({
      chain: context.chain,
      endpoint: endpointRef(endpoint),
      reason: verdict.reason,
    });
    return false;
  }
  return true;
}
