import { randomUUID } from 'node:crypto';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

type Handler = (args: { request?: unknown }) => Promise<{ output: { $metadata: Metadata } }>;
type Metadata = { attempts?: number; totalRetryDelay?: number };

/** The SDK's `HttpRequest.isInstance`: a request with the fields its retry middleware checks. */
function isHttpRequest(request: unknown): request is { headers: Record<string, string> } {
  if (typeof request !== 'object' || request === null) return false;
  const fields = request as Record<string, unknown>;
  return (
    'method' in fields &&
    'protocol' in fields &&
    'hostname' in fields &&
    'path' in fields &&
    typeof fields.query === 'object' &&
    typeof fields.headers === 'object'
  );
}

/** The SDK's own wrapping of a thrown value into an Error (its retry middleware's `asSdkError`). */
function asSdkError(error: unknown): Error & { $metadata?: Metadata } {
  if (error instanceof Error) return error;
  if (error instanceof Object) return Object.assign(new Error(), error);
  if (typeof error === 'string') return new Error(error);
  return new Error(`AWS SDK error wrapper for ${error}`);
}

/**
 * What the SDK's retry middleware does for a request allowed one attempt, without its retry
 * strategy, token scope and abort races (issue 20: a tenth of the SDK's time on a gateway's hot
 * path): the same `amz-sdk-invocation-id` and `amz-sdk-request` headers, the same
 * `$metadata.attempts` and `totalRetryDelay` on the output and on any error (an aborted
 * request's too, as the SDK does), the same wrapping of non-Error throws.
 */
const singleAttempt = (next: Handler) => async (args: { request?: unknown }) => {
  const { request } = args;
  if (isHttpRequest(request)) {
    request.headers['amz-sdk-invocation-id'] = randomUUID();
    request.headers['amz-sdk-request'] = 'attempt=1; max=1';
  }
  try {
    const result = await next(args);
    result.output.$metadata.attempts = 1;
    result.output.$metadata.totalRetryDelay = 0;
    return result;
  } catch (thrown) {
    const error = asSdkError(thrown);
    error.$metadata ??= {};
    error.$metadata.attempts = 1;
    error.$metadata.totalRetryDelay = 0;
    throw error;
  }
};

/**
 * Replaces a client's retry middleware with {@link singleAttempt}: for a client built with
 * `maxAttempts: 1` (the default factory's), whose retry middleware never retries.
 */
export function withSingleAttempt(client: BedrockRuntimeClient): BedrockRuntimeClient {
  const stack = client.middlewareStack as unknown as {
    remove(name: string): boolean;
    add(middleware: unknown, options: object): void;
  };
  if (stack.remove('retryMiddleware'))
    stack.add(singleAttempt, {
      name: 'retryMiddleware',
      tags: ['RETRY'],
      step: 'finalizeRequest',
      priority: 'high',
      override: true,
    });
  return client;
}
