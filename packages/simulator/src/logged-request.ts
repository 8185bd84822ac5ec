import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorContext } from './context.js';
import { SimulatedError } from './errors.js';
import type { Exchange } from './exchange.js';
import type { FaultPlan } from './fault-injector.js';
import type { Operation } from './operations.js';
import type { RequestRecord } from './stats.js';

/**
 * Serves one request through `serve` and logs it once it has settled. `serve` returns the outcome;
 * a thrown `SimulatedError` is answered as Bedrock would, anything else as an InternalServerException.
 * The logged status is the one actually sent: 0 when the request hung, was reset or the client left.
 */
export async function serveLogged(
  context: SimulatorContext,
  exchange: Exchange,
  request: { operation: Operation | 'Unknown'; model: string },
  serve: (record: RequestRecord) => Promise<string> | string,
): Promise<void> {
  const record: RequestRecord = {
    requestId: exchange.requestId,
    time: context.now(),
    region: exchange.region,
    ...request,
    outcome: 'success',
    status: 0,
    durationMs: 0,
  };
  try {
    record.outcome = await serve(record);
  } catch (error) {
    if (exchange.signal.aborted) record.outcome = 'aborted';
    else {
      const simulated =
        error instanceof SimulatedError
          ? error
          : new SimulatedError('InternalServerException', String(error));
      exchange.error(simulated);
      record.outcome = simulated.name;
    }
  }
  if (record.outcome === 'success' && exchange.signal.aborted) record.outcome = 'aborted';
  record.status = exchange.status;
  record.durationMs = context.now() - record.time;
  context.stats.record(record);
}

/**
 * Applies the request-level part of a fault plan: the added latency, then an error (thrown), a
 * reset or a hang. Returns the outcome when the request ends here, `undefined` when it goes on.
 */
export async function applyFaultPlan(exchange: Exchange, plan: FaultPlan): Promise<string | undefined> {
  if (plan.delayMs > 0) {
    try {
      await sleep(plan.delayMs, undefined, { signal: exchange.signal });
    } catch {
      return 'aborted';
    }
  }
  const action = plan.action;
  if (action?.type === 'error') throw new SimulatedError(action.error, action.message);
  if (action?.type === 'reset') {
    exchange.reset();
    return 'reset';
  }
  if (action?.type === 'hang') {
    // Never answer: the client's timeout, its abort, or the simulator closing ends it.
    await new Promise((resolve) => exchange.signal.addEventListener('abort', resolve, { once: true }));
    return 'hang';
  }
  return undefined;
}
