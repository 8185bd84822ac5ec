import type { Endpoint } from '../chain/endpoint.js';
import { wasNeverSent } from '../sdk/send-stage.js';

/**
 * - `request`: the request itself is wrong; every endpoint would reject it, so it fails at once.
 *   Errors raised in this process before the request was sent are request errors too.
 * - `endpoint`: this endpoint cannot serve (no access, no such model, not ready); fail over without retrying it.
 * - `transient`: may pass on a retry; retry per policy, then fail over.
 */
export type ErrorClass = 'request' | 'endpoint' | 'transient';

/** Why an attempt failed or was skipped, in a word that metrics and events can carry. */
export type FailureReason =
  | 'throttled'
  | 'unavailable'
  | 'server-error'
  | 'model-timeout'
  | 'model-error'
  | 'network'
  | 'timeout'
  | 'first-token-timeout'
  | 'stream-idle'
  | 'stream-error'
  | 'access-denied'
  | 'not-found'
  | 'model-not-ready'
  | 'invalid-model'
  | 'quota-exceeded'
  | 'daily-quota'
  | 'unsupported-tier'
  | 'unsupported-capability'
  | 'context-length'
  | 'invalid-request'
  | 'local-error'
  | 'circuit-open'
  | 'bulkhead-full'
  | 'parked'
  | 'at-capacity'
  | 'cancelled'
  | 'outrun'
  | 'deadline'
  | 'unknown';

/** The verdict on one error. */
export interface Classification {
  readonly errorClass: ErrorClass;
  readonly reason: FailureReason;
}

/** Decides what an error means; return `undefined` to leave it to {@link classifyError}. */
export type ErrorClassifier = (error: unknown, endpoint: Endpoint) => Classification | undefined;

const BY_NAME: Record<string, Classification> = {
  ThrottlingException: { errorClass: 'transient', reason: 'throttled' },
  TooManyRequestsException: { errorClass: 'transient', reason: 'throttled' },
  ServiceUnavailableException: { errorClass: 'transient', reason: 'unavailable' },
  InternalServerException: { errorClass: 'transient', reason: 'server-error' },
  ModelTimeoutException: { errorClass: 'transient', reason: 'model-timeout' },
  ModelErrorException: { errorClass: 'transient', reason: 'model-error' },
  ModelStreamErrorException: { errorClass: 'transient', reason: 'stream-error' },
  TimeoutError: { errorClass: 'transient', reason: 'timeout' },
  AttemptTimeoutError: { errorClass: 'transient', reason: 'timeout' },
  FirstTokenTimeoutError: { errorClass: 'transient', reason: 'first-token-timeout' },
  StreamIdleTimeoutError: { errorClass: 'transient', reason: 'stream-idle' },
  IncompleteStreamError: { errorClass: 'transient', reason: 'network' },
  AccessDeniedException: { errorClass: 'endpoint', reason: 'access-denied' },
  UnrecognizedClientException: { errorClass: 'endpoint', reason: 'access-denied' },
  ExpiredTokenException: { errorClass: 'endpoint', reason: 'access-denied' },
  CredentialsProviderError: { errorClass: 'endpoint', reason: 'access-denied' },
  ResourceNotFoundException: { errorClass: 'endpoint', reason: 'not-found' },
  ModelNotReadyException: { errorClass: 'endpoint', reason: 'model-not-ready' },
  ServiceQuotaExceededException: { errorClass: 'endpoint', reason: 'quota-exceeded' },
  ValidationException: { errorClass: 'request', reason: 'invalid-request' },
};

// Validation messages about the model id, not the request: another endpoint would accept the request.
const ENDPOINT_VALIDATION = [
  /model identifier is invalid/i,
  /on-demand throughput isn.t supported/i,
  /provisioned throughput/i,
  /inference profile/i,
];

// "Too many tokens per day": the account's daily quota, spent until its window resets; no retry
// or probe before then can pass, so the endpoint is parked instead of retried or counted.
const DAILY_QUOTA = /per day/i;
const DAILY_QUOTA_ERROR: Classification = { errorClass: 'endpoint', reason: 'daily-quota' };

// A service tier this model or region does not offer (or `reserved` without a reservation): the
// endpoint's setting is refused, not the request; another endpoint, at another tier, may serve it.
// "service tier provided is invalid" (a value outside the enum) stays a request error: only a
// caller's own serviceTier can be such a value, as the config refuses it.
const UNSUPPORTED_TIER = [
  /\btier\b.*\b(not supported|unsupported|not available)\b/i,
  /reservation not found/i,
];
const UNSUPPORTED_TIER_ERROR: Classification = { errorClass: 'endpoint', reason: 'unsupported-tier' };

// The request is longer than this model's context window: Bedrock's "Input is too long for
// requested model.", Anthropic's "prompt is too long: N tokens > M maximum" and "input length and
// `max_tokens` exceed context limit". A model with a larger window may serve it: fail over, without
// retrying here and without counting against the endpoint's health.
const CONTEXT_LENGTH = [
  /input is too long/i,
  /prompt is too long/i,
  /exceeds? (the )?context (limit|window|length)/i,
  /too many input tokens/i,
];
const CONTEXT_LENGTH_ERROR: Classification = { errorClass: 'endpoint', reason: 'context-length' };

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_ERROR',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

// Node's checks of a request's own headers, raised before anything is written to the socket.
const LOCAL_CODES = new Set(['ERR_INVALID_CHAR', 'ERR_HTTP_INVALID_HEADER_VALUE', 'ERR_INVALID_HTTP_TOKEN']);

const LOCAL_ERROR: Classification = { errorClass: 'request', reason: 'local-error' };

/**
 * The system or Node code behind an error (`ECONNREFUSED`, `ENOTFOUND`, ...), when it has one: a
 * network code on its `cause` wins over a wrapper's own (HTTP/2's `ERR_HTTP2_STREAM_CANCEL`).
 */
export function errorCodeOf(error: unknown): string | undefined {
  const details = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const own = typeof details?.code === 'string' ? details.code : undefined;
  const cause = typeof details?.cause?.code === 'string' ? details.cause.code : undefined;
  if (cause !== undefined && NETWORK_CODES.has(cause)) return cause;
  return own ?? cause;
}

/**
 * Bedrock's error taxonomy: sorts an error from the AWS SDK (or the network under it) into
 * request, endpoint or transient, with a reason.
 *
 * A throttle whose message says "per day" (Bedrock's tokens-per-day quota) is an endpoint error,
 * reason `daily-quota`: no retry, no breaker count; the engine parks the endpoint until the daily
 * window resets. A service tier the model or region refuses is an endpoint error too, reason
 * `unsupported-tier`: the chain fails over, as the request itself is fine. A request longer than the
 * model's context window is an endpoint error, reason `context-length`: the chain fails over to a
 * model with a larger window, without retry or breaker count. Every other ValidationException is
 * the caller's: it fails at once.
 *
 * An error raised locally before the request left the process (the SDK's serializer overflowing
 * its stack on deeply nested JSON, Node refusing a header value) is a request error, reason
 * `local-error`: it fails at once, without failover, breaker count or retry budget. Only evidence
 * that an endpoint failed (its status, a network code, an error raised after the request was
 * handed to the HTTP handler) counts against it.
 */
export function classifyError(error: unknown): Classification {
  const details = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: { code?: unknown };
    $metadata?: { httpStatusCode?: number };
  } | null;
  const name = typeof details?.name === 'string' ? details.name : '';
  const message = typeof details?.message === 'string' ? details.message : '';
  const code = details?.code ?? details?.cause?.code;
  const networkCode = typeof code === 'string' && NETWORK_CODES.has(code);
  // smithy's HTTP/1.1 handler renames ECONNRESET and EPIPE errors "TimeoutError": a reset
  // connection is a network failure, not a slow answer.
  if (name === 'TimeoutError' && networkCode && code !== 'ETIMEDOUT')
    return { errorClass: 'transient', reason: 'network' };
  const known = BY_NAME[name];
  if (known?.reason === 'throttled' && DAILY_QUOTA.test(message)) return DAILY_QUOTA_ERROR;
  if (known?.reason === 'invalid-request' && UNSUPPORTED_TIER.some((pattern) => pattern.test(message)))
    return UNSUPPORTED_TIER_ERROR;
  if (known?.reason === 'invalid-request' && CONTEXT_LENGTH.some((pattern) => pattern.test(message)))
    return CONTEXT_LENGTH_ERROR;
  if (known?.reason === 'invalid-request' && ENDPOINT_VALIDATION.some((pattern) => pattern.test(message)))
    return { errorClass: 'endpoint', reason: 'invalid-model' };
  if (known) return known;

  if (networkCode) return { errorClass: 'transient', reason: 'network' };
  if (typeof code === 'string' && LOCAL_CODES.has(code)) return LOCAL_ERROR;
  // Node's http client reports a response cut mid-body as a plain "aborted" error.
  if (message === 'aborted' || /socket hang up/i.test(message))
    return { errorClass: 'transient', reason: 'network' };

  const status = details?.$metadata?.httpStatusCode;
  if (status !== undefined) {
    if (status === 429)
      return DAILY_QUOTA.test(message) ? DAILY_QUOTA_ERROR : { errorClass: 'transient', reason: 'throttled' };
    if (status >= 500 || status === 408) return { errorClass: 'transient', reason: 'server-error' };
    // A body the SDK could not parse on a 2xx is a broken response, not a bad request.
    if (status < 300) return { errorClass: 'transient', reason: 'server-error' };
    if (status === 401 || status === 403) return { errorClass: 'endpoint', reason: 'access-denied' };
    if (status === 404) return { errorClass: 'endpoint', reason: 'not-found' };
    if (status >= 400) return { errorClass: 'request', reason: 'invalid-request' };
  }
  // Nothing was sent, so the endpoint cannot be at fault, and another would meet the same error.
  if (wasNeverSent(error)) return LOCAL_ERROR;
  // Anything else raised after the request was sent (a broken exchange with the endpoint) is not
  // retried, but another endpoint may do better.
  return { errorClass: 'endpoint', reason: 'unknown' };
}
