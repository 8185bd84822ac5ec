import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

/**
 * SDK middleware for every attempt of a request: anything `middlewareStack.use` takes, such as a
 * `MiddlewareStack` or a plugin (`{ applyToStack(stack) }`).
 */
export type AttemptMiddleware = Parameters<BedrockRuntimeClient['middlewareStack']['use']>[0];

type ServiceStack = BedrockRuntimeClient['middlewareStack'];

/**
 * Adds the request's middleware to one attempt's command. The SDK runs a command's stack after
 * the endpoint client's own (`clientStack.concat(commandStack)`), so the middleware sees the real
 * request of that attempt: its endpoint's model id, region and signed headers.
 */
export function withMiddleware<C extends { readonly middlewareStack: object }>(
  command: C,
  middleware: AttemptMiddleware | undefined,
): C {
  // Each command's stack is typed for its own input and output; the middleware is for any of them.
  if (middleware) (command.middlewareStack as ServiceStack).use(middleware);
  return command;
}
