import { setTimeout as sleep } from 'node:timers/promises';
import { throttleMessage } from '../capacity.js';
import type { SimulatorContext } from '../context.js';
import { SimulatedError } from '../errors.js';
import type { Exchange } from '../exchange.js';
import type { RuntimeOperation } from '../operations.js';
import { regionOf } from '../region.js';
import type { Reply } from '../responder.js';
import type { RequestRecord } from '../stats.js';
import { resolveTarget } from '../target.js';
import { converseHandler, converseStreamHandler } from './converse.js';
import { invokeModelHandler, invokeModelStreamHandler } from './invoke-model.js';
import type { Call, RuntimeHandler } from './runtime-handler.js';

const HANDLERS: Record<RuntimeOperation, RuntimeHandler> = {
  Converse: converseHandler,
  ConverseStream: converseStreamHandler,
  InvokeModel: invokeModelHandler,
  InvokeModelWithResponseStream: invokeModelStreamHandler,
};

/**
 * Serves one runtime request: resolve the model in the request's region, apply the fault plan,
 * validate the body, draw on capacity (throttling when it is exhausted), then answer.
 */
export async function serveRuntime(
  context: SimulatorContext,
  exchange: Exchange,
  operation: RuntimeOperation,
  modelId: string,
): Promise<void> {
  const startedAt = context.now();
  const region = regionOf(exchange.headers, context.options.defaultRegion);
  const record: RequestRecord = {
    requestId: exchange.requestId,
    time: startedAt,
    region,
    operation,
    model: modelId,
    outcome: 'success',
    status: 200,
    durationMs: 0,
  };
  try {
    record.outcome = await run(context, exchange, operation, modelId, region, record);
  } catch (error) {
    const simulated =
      error instanceof SimulatedError ? error : new SimulatedError('InternalServerException', String(error));
    exchange.error(simulated);
    record.outcome = simulated.name;
    record.status = simulated.status;
  }
  if (record.outcome === 'success' && exchange.signal.aborted) record.outcome = 'aborted';
  record.durationMs = context.now() - startedAt;
  context.stats.record(record);
}

async function run(
  context: SimulatorContext,
  exchange: Exchange,
  operation: RuntimeOperation,
  modelId: string,
  region: string,
  record: RequestRecord,
): Promise<string> {
  const handler = HANDLERS[operation];
  const target = resolveTarget(context, region, modelId);
  const plan = context.faults.plan({ region, operation, models: target.aliases });
  if (plan.rules.length > 0) record.faults = plan.rules;
  const call: Call = { exchange, target, plan, startedAt: record.time };

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

  const prompt = handler.parse(await exchange.body(), call);
  const reply: Reply = context.responder.reply(prompt);
  record.inputTokens = reply.inputTokens;
  record.outputTokens = reply.outputTokens;

  const admission = context.capacity
    .limiter(target.capacityKey, target.quota)
    .tryAcquire(reply.inputTokens + reply.outputTokens, context.now());
  if (!admission.admitted) throw new SimulatedError('ThrottlingException', throttleMessage(admission.reason));
  try {
    if (action?.type === 'malformed') {
      await handler.malformed(call, action.variant, reply);
      return 'malformed';
    }
    return await handler.respond(call, reply);
  } finally {
    admission.release();
  }
}
