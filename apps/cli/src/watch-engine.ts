import type { BedrockHA } from '@bedrock-ha/core';
import type { Output } from './output.js';

/**
 * With `--verbose`, prints the engine's decisions (retries, failovers, breaker changes) on stderr
 * as they happen. Returns the function that stops watching.
 */
export function watchEngine(ha: BedrockHA, output: Output): () => void {
  if (!output.verbose) return () => undefined;
  const subscriptions = [
    ha.onRetry(({ endpoint, attempt, reason, delayMs }) =>
      output.detail(
        `retry ${endpoint.endpointId} after attempt ${attempt} (${reason}) in ${Math.round(delayMs)} ms`,
      ),
    ),
    ha.onFailover(({ from, to, reason }) =>
      output.detail(
        // An open breaker means no call was made: a skip, not a failure of the endpoint.
        reason === 'circuit-open'
          ? `skipped ${from.endpointId} (circuit-open) -> ${to?.endpointId ?? 'none left'}`
          : `failover ${from.endpointId} -> ${to?.endpointId ?? 'none left'} (${reason})`,
      ),
    ),
    ha.onBreakerStateChange(({ endpoint, state }) =>
      output.detail(`breaker ${endpoint.endpointId}: ${state}`),
    ),
    ha.onBudgetExhausted(({ endpoint }) => output.detail(`retry budget of ${endpoint.endpointId} is spent`)),
  ];
  return () => {
    for (const subscription of subscriptions) subscription.dispose();
  };
}
