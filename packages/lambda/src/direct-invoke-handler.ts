import type { BedrockHA } from '@bedrock-ha/core';
import { type DirectInvokeResult, invokeDirect, parseDirectInvokeEvent } from './direct-invoke.js';
import { type BudgetOptions, budgetSettings, invocationBudget } from './invocation-budget.js';
import { createLambdaEngine, type EngineSource } from './lambda-engine.js';
import type { LambdaContext } from './lambda-types.js';
import { type LambdaLogger, runInvocation, selectLogger } from './request-log.js';

/** Options of {@link createDirectInvokeHandler}. */
export interface DirectInvokeHandlerOptions extends EngineSource, BudgetOptions {
  /** Where the one-line-per-request logs go (default: JSON lines on stdout); `false` for none. */
  readonly logger?: LambdaLogger | false;
}

/** A handler for direct invocations. */
export interface DirectInvokeHandler {
  (event: unknown, context: LambdaContext): Promise<DirectInvokeResult>;
  /** The engine this handler serves. */
  readonly engine: BedrockHA;
}

/**
 * Creates a handler for Step Functions and other AWS callers that invoke the function directly
 * with `{ operation?: 'converse' | 'converseStream', chain, input }`. It returns Converse's output
 * (`output`, `stopReason`, `usage`, `metrics`) plus `servedBy` and `attempts`, and throws typed
 * errors that Lambda reports by name: `InvalidEventError`, `UnknownChainError`,
 * `AllEndpointsFailedError`, `DeadlineExceededError`, `StreamInterruptedError`, or the SDK's own
 * (`ValidationException`...).
 * @throws ConfigError at creation when the configuration is missing or invalid.
 */
export function createDirectInvokeHandler(options: DirectInvokeHandlerOptions = {}): DirectInvokeHandler {
  const budget = budgetSettings(options);
  const engine = createLambdaEngine(options);
  const logger = selectLogger(options);
  const handler = (event: unknown, context: LambdaContext) =>
    runInvocation(context, async () => {
      const parsed = parseDirectInvokeEvent(event);
      const time = invocationBudget(context, budget);
      try {
        return await invokeDirect(engine, parsed, time, logger);
      } finally {
        time.dispose();
      }
    });
  return Object.assign(handler, { engine });
}
