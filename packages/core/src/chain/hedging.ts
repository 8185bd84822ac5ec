import { endpointRef } from './endpoint.js';
import type { RequestClock } from './request-clock.js';
import {
  allFailed,
  type EndpointQueue,
  endOpenAttempt,
  type RunnerContext,
  type RunnerRequest,
  runLane,
  type Served,
  type Step,
} from './run-chain.js';

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
): Promise<Served<T>> {
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
            if ('served' in result) {
              if (settled) discard(context, request, step, result.served);
              else settle(() => resolve(result.served), clock);
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

/** Lets go of an answer that came second: its call is aborted and its attempt reported as outrun. */
function discard<T>(context: RunnerContext, request: RunnerRequest, step: Step<T>, served: Served<T>): void {
  step.discard?.(served.value);
  if (step.keepAttemptOpen)
    endOpenAttempt(context, request, served, { outcome: 'failure', reason: 'outrun' });
}
