import type { SimulatorContext } from '../context.js';
import type { Exchange } from '../exchange.js';
import { applyFaultPlan, serveLogged } from '../logged-request.js';
import type { RuntimeOperation } from '../operations.js';
import { admit, requestedTier } from '../quota/admission.js';
import type { Prompt, Reply } from '../responder.js';
import type { RequestRecord } from '../stats.js';
import { resolveTarget, type Target } from '../target.js';
import { enforceContextWindow } from './context-window.js';
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
 * validate the body, check the service tier and reserve capacity (throttling when it is exhausted),
 * answer, then settle the reservation to the tokens used.
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
  enforceContextWindow(operation, target, reply.inputTokens);

  const { tier, admission, behaviour } = admit(
    context,
    target,
    region,
    requestedTier(operation, prompt, exchange),
    prompt,
    reply,
  );
  record.reservedTokens = admission.reserved;
  if (tier !== undefined) record.serviceTier = tier;
  call.target = { ...target, behaviour };
  const served: Reply = withCache(
    context,
    target,
    prompt,
    tier === undefined ? reply : { ...reply, serviceTier: tier },
  );
  let outcome: string | undefined;
  try {
    if (action?.type === 'malformed') {
      await handler.malformed(call, action.variant, served);
      outcome = 'malformed';
    } else outcome = await handler.respond(call, served);
    return outcome;
  } finally {
    // Settlement: the reservation becomes what was used; a cut stream used only what it sent.
    const output =
      outcome === 'success'
        ? reply.outputTokens
        : (call.deliveredTokens ?? (outcome === undefined ? 0 : reply.outputTokens));
    record.outputTokens = output;
    admission.release(reply.inputTokens + output, context.now());
  }
}

/**
 * The reply with its prompt-cache use, when the prompt has checkpoints: read and written tokens
 * are taken out of `inputTokens`, as Bedrock reports them (admission counted them all).
 */
function withCache(context: SimulatorContext, target: Target, prompt: Prompt, reply: Reply): Reply {
  if (!prompt.cachePoints?.length) return reply;
  const cache = context.promptCache.use(target.capacityKey, prompt.cachePoints, context.now());
  const cached = Math.min(reply.inputTokens, cache.readTokens + cache.writeTokens);
  return { ...reply, inputTokens: reply.inputTokens - cached, cache };
}
