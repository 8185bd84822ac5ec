import {
  allFailed,
  type EndpointAnswer,
  type RunnerContext,
  type RunnerRequest,
  type Step,
} from './chain-request.js';
import { endpointRef } from './endpoint.js';
import type { EndpointQueue } from './endpoint-queue.js';
import { runLane } from './lane.js';
import type { RequestClock } from './request-clock.js';

/**
 * A hedged request: one lane starts on the first endpoint; if no answer (for a stream, no first
 * content) has come `afterMs` later, a second lane starts on the next endpoint of the queue. The
 * first lane to answer wins, and the other is stopped, its call aborted. Lanes share the queue, so
 * no endpoint is tried twice, and the request's deadline, attempts and telemetry.
 */
export function runHedged<T>(
  context: RunnerContext,
  request: RunnerRequest,
  queue: EndpointQueue,
  step: Step<T>,
  afterMs: number,
): Promise<EndpointAnswer<T>> {
  return new Promise((resolve, reject) => {
    const lanes: RequestClock[] = [];
    let running = 0;
    let settled = false;
    let lastError: unknown;

    const settle = (outcome: () => void, winner?: RequestClock) => {
      settled = true;
      clearTimeout(timer);
      for (const lane of lanes) if (lane !== winner) lane.outrun();
      outcome();
    };
    const start = () => {
      const clock = request.clock.lane();
      lanes.push(clock);
      running++;
      runLane(context, { ...request, clock }, queue, step)
        .then(
          (result) => {
            running--;
            if ('answer' in result) {
              if (settled) discard(result.answer);
              else settle(() => resolve(result.answer), clock);
              return;
            }
            lastError = result.lastError ?? lastError;
            if (running === 0 && !settled) settle(() => reject(allFailed(context, request, lastError)));
          },
          (error: unknown) => {
            running--;
            if (!clock.wasOutrun && !settled) settle(() => reject(error));
          },
        )
        .finally(() => clock.dispose());
    };

    const timer = setTimeout(() => {
      const next = queue.peek();
      if (settled || !next) return;
      context.events.hedge.emit({ chain: context.chain, to: endpointRef(next), afterMs });
      start();
    }, afterMs);
    start();
  });
}

/** Lets go of an answer that came second: an attempt still open is ended as outrun (its call aborted). */
function discard<T>(answer: EndpointAnswer<T>): void {
  answer.held?.end({ outcome: 'failure', reason: 'outrun' });
}
