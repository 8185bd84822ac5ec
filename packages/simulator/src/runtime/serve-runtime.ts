import { throttleMessage } from '../capacity.js';
import type { SimulatorContext } from '../context.js';
import { SimulatedError } from '../errors.js';
import type { Exchange } from '../exchange.js';
import { applyFaultPlan, serveLogged } from '../logged-request.js';
import type { RuntimeOperation } from '../operations.js';
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
export function serveRuntime(
  context: SimulatorContext,
  exchange: Exchange,
  operation: RuntimeOperation,
  modelId: string,
): Promise<void> {
  return serveLogged(context, exchange, { operation, model: modelId }, (record) =>
    run(context, exchange, operation, record),
  );
}

async function run(
  context: SimulatorContext,
  exchange: Exchange,
  operation: RuntimeOperation,
  record: RequestRecord,
): Promise<string> {
  const handler = HANDLERS[operation];
  const { region } = record;
  const target = resolveTarget(context, region, record.model);
  const plan = context.faults.plan({ region, operation, models: target.aliases });
  if (plan.rules.length > 0) record.faults = plan.rules;
  const call: Call = {
    exchange,
    target,
    plan,
    elapsedMs: () => context.now() - record.time,
  };

  const ended = await applyFaultPlan(exchange, plan);
  if (ended !== undefined) return ended;
  const action = plan.action;

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
