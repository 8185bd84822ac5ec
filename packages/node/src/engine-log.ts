import type { BedrockHA, EndpointRef } from '@bedrock-ha/core';
import type { Logger } from 'pino';

/**
 * Logs the engine's decisions an operator acts on: breaker transitions, failovers, spent retry
 * budgets and missed deadlines. Returns the function that unsubscribes.
 */
export function logEngineEvents(ha: BedrockHA, logger: Logger): () => void {
  const subscriptions = [
    ha.onBreakerStateChange(({ endpoint, state }) => {
      const entry = { event: 'breaker', ...where(endpoint), state };
      if (state === 'open') logger.warn(entry, `breaker opened on ${endpoint.endpointId}`);
      else logger.info(entry, `breaker ${state} on ${endpoint.endpointId}`);
    }),
    ha.onFailover(({ chain, from, to, reason, resumed }) =>
      logger.info(
        { event: 'failover', chain, from: from.endpointId, to: to?.endpointId, reason, resumed },
        `failover on ${chain}: ${from.endpointId} -> ${to?.endpointId ?? 'none left'} (${reason})`,
      ),
    ),
    ha.onBudgetExhausted(({ chain, endpoint, reason }) =>
      logger.warn(
        { event: 'retry-budget-exhausted', chain, ...where(endpoint), reason },
        `retry budget spent on ${endpoint.endpointId}`,
      ),
    ),
    ha.onDeadlineExceeded(({ chain, deadlineMs, attempts }) =>
      logger.warn(
        // A deadline left over from a caller's budget is fractional; logs show whole milliseconds.
        { event: 'deadline-exceeded', chain, deadlineMs: Math.round(deadlineMs), attempts: attempts.length },
        `deadline of ${Math.round(deadlineMs)} ms passed on ${chain}`,
      ),
    ),
    ha.onStateStoreStateChange(({ state }) => {
      if (state === 'open')
        logger.warn(
          { event: 'state-store', state: 'local' },
          'shared state store failing or slow: deciding on local state until it answers again',
        );
      else logger.info({ event: 'state-store', state: 'shared' }, 'shared state store answering again');
    }),
  ];
  return () => {
    for (const subscription of subscriptions) subscription.dispose();
  };
}

function where(endpoint: EndpointRef) {
  return { endpointId: endpoint.endpointId, region: endpoint.region, kind: endpoint.kind };
}
