import {
  AllEndpointsFailedError,
  type Attempt,
  BedrockHAError,
  DeadlineExceededError,
  RequestNotSentError,
} from '@bedrock-ha/core';
import { ClientDisconnected } from './stream-body.js';

/**
 * What went wrong with a request, in terms both error formats can render: the HTTP status, the
 * Bedrock exception name (for `x-amzn-errortype`), the OpenAI error type and code.
 */
export interface Failure {
  readonly status: number;
  readonly message: string;
  /** Bedrock's exception name, e.g. `ValidationException`. */
  readonly bedrockName: string;
  /** OpenAI's error `type`, e.g. `invalid_request_error`. */
  readonly openaiType: string;
  /** OpenAI's error `code`, e.g. `model_not_found`. */
  readonly code: string | null;
  /** The request field at fault, e.g. `messages[0].content`. */
  readonly param: string | null;
  /** The engine's attempts, when the engine ran. */
  readonly attempts?: readonly Attempt[];
  /** The name of the error behind it, for the request log. */
  readonly errorName: string;
  /** Extra response headers, e.g. `allow` on a 405. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A failure the gateway itself decided (bad input, auth, routing); handlers throw it. */
export class RequestFailure extends Error {
  override readonly name = 'RequestFailure';

  constructor(readonly failure: Omit<Failure, 'errorName'> & { errorName?: string }) {
    super(failure.message);
  }
}

/** A 400 for a request field that is wrong, saying how to fix it. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null) {
  return new RequestFailure({
    status: 400,
    message,
    bedrockName: 'ValidationException',
    openaiType: 'invalid_request_error',
    code,
    param,
    errorName: 'ValidationError',
  });
}

/**
 * The 503 for a request refused because `maxInFlight` requests are in flight (or `message`'s reason): retryable, after a
 * second, in both formats (the AWS SDK retries a 503 `ServiceUnavailableException`; the OpenAI
 * SDKs retry every 5xx and honour `retry-after`). The caller did nothing wrong, and no endpoint is blamed.
 */
export function overloaded(maxInFlight: number, message?: string) {
  return new RequestFailure({
    status: 503,
    message:
      message ?? `The gateway is answering its limit of ${maxInFlight} requests at once; retry in a second.`,
    bedrockName: 'ServiceUnavailableException',
    openaiType: 'server_error',
    code: 'overloaded',
    param: null,
    errorName: 'OverloadedError',
    headers: { 'retry-after': '1' },
  });
}

/** The 400 for a model/chain name the configuration does not have. */
export function unknownChain(chain: string, chains: readonly string[], param: string | null) {
  return new RequestFailure({
    status: param === 'model' ? 404 : 400,
    message: `No chain is named "${chain}"; use one of: ${chains.join(', ')}.`,
    bedrockName: 'ValidationException',
    openaiType: 'invalid_request_error',
    code: 'model_not_found',
    param,
    errorName: 'UnknownChainError',
  });
}

/** Turns anything a handler threw into a {@link Failure}; never throws. */
export function describeFailure(error: unknown, signal?: AbortSignal): Failure {
  if (error instanceof RequestFailure)
    return { errorName: error.failure.errorName ?? 'RequestFailure', ...error.failure };
  if (signal?.aborted) {
    // An adapter aborts with its own deadline (the Lambda's time running out): that is a timeout
    // the caller should hear about, not a client that went away.
    return isTimeout(signal.reason) ? timedOut(signal.reason, error) : clientClosed(error);
  }
  if (error instanceof ClientDisconnected) return clientClosed(error);
  if (DeadlineExceededError.isInstance(error))
    return engineFailure(error, 408, 'ModelTimeoutException', 'timeout', 'deadline_exceeded');
  if (AllEndpointsFailedError.isInstance(error)) {
    // Throttling everywhere tells the client to back off; anything else is an outage.
    if (error.reason === 'all-throttled')
      return engineFailure(error, 429, 'ThrottlingException', 'rate_limit_error', 'rate_limit_exceeded');
    // No endpoint can take the request as it is (a feature or a length none supports): the caller's to change.
    if (error.reason === 'unsupported')
      return engineFailure(error, 400, 'ValidationException', 'invalid_request_error', 'unsupported_request');
    return engineFailure(error, 503, 'ServiceUnavailableException', 'server_error', 'all_endpoints_failed');
  }
  if (RequestNotSentError.isInstance(error)) {
    // The request's own content broke it before it left: the caller's to fix, no endpoint's fault.
    return engineFailure(error, 400, 'ValidationException', 'invalid_request_error', 'request_not_sent');
  }
  if (BedrockHAError.isInstance(error)) {
    return engineFailure(error, 503, 'ServiceUnavailableException', 'server_error', 'stream_interrupted');
  }
  const status = sdkStatus(error);
  if (status !== undefined && error instanceof Error) {
    // A request error the engine rethrew as the SDK's own: pass it through unchanged.
    return {
      status,
      message: error.message,
      bedrockName: error.name,
      openaiType: openaiTypeFor(status),
      code: null,
      param: null,
      errorName: error.name,
    };
  }
  return {
    status: 500,
    message: 'The gateway failed unexpectedly; the error is in its log.',
    bedrockName: 'InternalServerException',
    openaiType: 'server_error',
    code: 'internal_error',
    param: null,
    errorName: error instanceof Error ? error.name : 'Error',
  };
}

function clientClosed(error: unknown): Failure {
  // nginx's 499: the client went away; nobody reads this body, the access log does.
  return {
    status: 499,
    message: 'The client closed the request.',
    bedrockName: 'RequestCancelled',
    openaiType: 'client_closed_request',
    code: 'client_closed_request',
    param: null,
    errorName: error instanceof Error ? error.name : 'AbortError',
  };
}

/**
 * Whether an abort reason is a deadline: `AbortSignal.timeout()`'s DOMException `TimeoutError`,
 * or an error class named `...TimeoutError` (the Lambda adapter's `InvocationTimeoutError`).
 */
function isTimeout(reason: unknown): reason is Error {
  return reason instanceof Error && reason.name.endsWith('TimeoutError');
}

function timedOut(reason: Error, error: unknown): Failure {
  return {
    status: 408,
    message: reason.message,
    bedrockName: 'ModelTimeoutException',
    openaiType: 'timeout',
    code: 'deadline_exceeded',
    param: null,
    ...(BedrockHAError.isInstance(error) && error.attempts && { attempts: error.attempts }),
    errorName: reason.name,
  };
}

function engineFailure(
  error: BedrockHAError,
  status: number,
  bedrockName: string,
  openaiType: string,
  code: string,
): Failure {
  return {
    status,
    message: error.message,
    bedrockName,
    openaiType,
    code,
    param: null,
    attempts: error.attempts,
    errorName: error.name,
  };
}

function sdkStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  const status = metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 400 ? status : undefined;
}

/** OpenAI's error type for an HTTP status. */
export function openaiTypeFor(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status < 500) return 'invalid_request_error';
  return 'server_error';
}
