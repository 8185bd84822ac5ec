import type { EndpointRef } from '../chain/endpoint.js';
import type { ErrorClass, FailureReason } from '../policies/error-classification.js';

/** What happened to one attempt on one endpoint. */
export interface Attempt {
  readonly endpoint: EndpointRef;
  /** 1 for the first attempt on this endpoint within the request, 2 for its first retry, ... */
  readonly attempt: number;
  /** `skipped`: no call was made (breaker open, bulkhead full, budget or deadline spent). */
  readonly outcome: 'success' | 'failure' | 'skipped';
  readonly errorClass?: ErrorClass;
  readonly reason?: FailureReason;
  /** The error's name, such as `ThrottlingException`. */
  readonly errorName?: string;
  readonly errorMessage?: string;
  readonly durationMs: number;
}

const MARK = Symbol.for('bedrock-ha.BedrockHAError');

/** Base of the errors bedrock-ha raises itself; each says which chain and lists its attempts. */
export abstract class BedrockHAError extends Error {
  readonly [MARK] = true;

  constructor(
    message: string,
    /** The chain the request named. */
    readonly chain: string,
    /** Every attempt, in order, skipped ones included. */
    readonly attempts: readonly Attempt[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True for a BedrockHAError from any copy of this package (`instanceof` fails across copies). */
  static isInstance(error: unknown): error is BedrockHAError {
    return typeof error === 'object' && error !== null && MARK in error;
  }
}

/** Every endpoint of the chain failed or was skipped. `cause` is the last error. */
export class AllEndpointsFailedError extends BedrockHAError {
  override readonly name = 'AllEndpointsFailedError';

  constructor(chain: string, attempts: readonly Attempt[], cause: unknown) {
    super(`Every endpoint of chain "${chain}" failed: ${summarize(attempts)}`, chain, attempts, { cause });
  }
}

/** The request's deadline passed before any endpoint answered. */
export class DeadlineExceededError extends BedrockHAError {
  override readonly name = 'DeadlineExceededError';

  constructor(
    chain: string,
    readonly deadlineMs: number,
    attempts: readonly Attempt[],
  ) {
    super(
      `Chain "${chain}" did not answer within its ${deadlineMs} ms deadline${
        attempts.length ? `: ${summarize(attempts)}` : ''
      }`,
      chain,
      attempts,
    );
  }
}

/**
 * A stream failed after content had reached the caller, so it could not fail over silently.
 * `partialText` is the text delivered so far; resend it as a final assistant message to continue
 * (what the chain's `resume` option does by itself).
 */
export class StreamInterruptedError extends BedrockHAError {
  override readonly name = 'StreamInterruptedError';

  constructor(
    chain: string,
    readonly partialText: string,
    readonly servedBy: EndpointRef,
    attempts: readonly Attempt[],
    cause: unknown,
  ) {
    super(
      `The stream from ${servedBy.endpointId} on chain "${chain}" broke after ${partialText.length} characters: ${describe(cause)}`,
      chain,
      attempts,
      { cause },
    );
  }
}

/** A request named a chain the configuration does not have. */
export class UnknownChainError extends Error {
  override readonly name = 'UnknownChainError';

  constructor(
    readonly chain: string,
    known: readonly string[],
  ) {
    super(`No chain is named "${chain}"; the configuration has: ${known.join(', ')}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function summarize(attempts: readonly Attempt[]): string {
  return attempts
    .map(({ endpoint, outcome, errorName, reason }) =>
      outcome === 'skipped'
        ? `${endpoint.endpointId} skipped (${reason})`
        : `${endpoint.endpointId} ${errorName}`,
    )
    .join(', ');
}

/** One attempt took longer than its timeout (`timeouts.attemptMs`, capped by the deadline). */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`The attempt timed out after ${timeoutMs} ms`);
  }
}

/** A stream sent no content within `timeouts.firstTokenMs`. */
export class FirstTokenTimeoutError extends Error {
  override readonly name = 'FirstTokenTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`No content arrived within ${timeoutMs} ms of the stream's start`);
  }
}

/** A stream went silent for longer than `timeouts.idleMs`. */
export class StreamIdleTimeoutError extends Error {
  override readonly name = 'StreamIdleTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`The stream sent nothing for ${timeoutMs} ms`);
  }
}

/** A stream ended without its final event: the connection closed early. */
export class IncompleteStreamError extends Error {
  override readonly name = 'IncompleteStreamError';

  constructor() {
    super('The stream ended before its final event');
  }
}
