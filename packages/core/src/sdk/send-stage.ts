import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

// Errors the SDK raised before its HTTP handler was entered: nothing left the process.
const NOT_SENT = new WeakSet<object>();
const HANDLER_ENTERED = Symbol('bedrock-ha.handlerEntered');

type Stack = BedrockRuntimeClient['middlewareStack'];
type Context = Record<PropertyKey, unknown>;
type Handler = (args: unknown) => Promise<unknown>;
type Middleware = (next: Handler, context: Context) => Handler;

/**
 * Outermost: runs the whole SDK pipeline (serialize, build, sign, send, deserialize) and marks an
 * error as never sent when the handler was not reached. Seen only when the SDK's real pipeline ran:
 * a stubbed `send` (a test mock) leaves errors unmarked, and the classifier treats them as before.
 */
const watchSend: Middleware = (next, context) => async (args) => {
  try {
    return await next(args);
  } catch (error) {
    if (context[HANDLER_ENTERED] !== true && typeof error === 'object' && error !== null) NOT_SENT.add(error);
    throw error;
  }
};

/** Innermost: the last step before the HTTP handler, which is where a request can leave the process. */
const markHandlerEntered: Middleware = (next, context) => (args) => {
  context[HANDLER_ENTERED] = true;
  return next(args);
};

/**
 * Adds the two middlewares that tell whether an attempt failed before anything was sent, to one
 * command (not the client, so a custom `clientFactory`'s clients are covered too). Returns it.
 */
export function trackSend<C extends { readonly middlewareStack: unknown }>(command: C): C {
  const stack = command.middlewareStack as Stack;
  stack.add(watchSend as never, { step: 'initialize', priority: 'high', name: 'bedrockHaWatchSend' });
  stack.add(markHandlerEntered as never, {
    step: 'deserialize',
    priority: 'low',
    name: 'bedrockHaHandlerEntered',
  });
  return command;
}

/**
 * Marks an error as raised before anything was sent: for the lean transport, which serializes and
 * signs outside the SDK's middleware stack. Primitives cannot be marked (and are never thrown there).
 */
export function markNeverSent(error: unknown): void {
  if (typeof error === 'object' && error !== null) NOT_SENT.add(error);
}

/**
 * True when the AWS SDK raised `error` before handing the request to its HTTP handler: while
 * serializing, building or signing it. Nothing reached an endpoint.
 */
export function wasNeverSent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && NOT_SENT.has(error);
}
