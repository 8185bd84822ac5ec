type Metadata = Record<string, unknown>;
type Response = { statusCode: number; headers: Record<string, string>; body?: unknown };
type Decorated = Error & { $metadata?: Metadata; $response?: Response; $responseBodyText?: string };

/** The SDK's wrapping of a thrown value into an Error (its retry middleware's `asSdkError`). */
export function asSdkError(error: unknown): Decorated {
  if (error instanceof Error) return error;
  if (error instanceof Object) return Object.assign(new Error(), error);
  if (typeof error === 'string') return new Error(error);
  return new Error(`AWS SDK error wrapper for ${error}`);
}

/**
 * What the SDK's retry middleware does to any error at its one attempt (see `single-attempt.ts`):
 * `$metadata.attempts` 1 and `totalRetryDelay` 0, on whatever metadata the error had.
 */
export function asAttemptError(thrown: unknown): Decorated {
  const error = asSdkError(thrown);
  error.$metadata ??= {};
  error.$metadata.attempts = 1;
  error.$metadata.totalRetryDelay = 0;
  return error;
}

const HINT =
  'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';

/**
 * What the SDK's deserialization middleware does to an error raised while reading a response:
 * the response as a hidden `$response`, and, for an error that is not a modelled service error (no
 * `$metadata`: a body that is not JSON, a broken stream), a hint in the message and the
 * response's `$metadata`. Then {@link asAttemptError}, as the retry middleware around it does.
 */
export function asDeserializationError(thrown: unknown, response: Response): Decorated {
  const error = thrown as Decorated;
  if (typeof error !== 'object' || error === null) return asAttemptError(thrown);
  Object.defineProperty(error, '$response', {
    value: response,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  if (!('$metadata' in error)) {
    try {
      error.message += `\n  ${HINT}`;
    } catch {
      // A frozen message: the SDK then only logs the hint; so do we not.
    }
    if (typeof error.$responseBodyText !== 'undefined' && error.$response)
      error.$response.body = error.$responseBodyText;
    const headers = Object.entries(response.headers ?? {});
    error.$metadata = {
      httpStatusCode: response.statusCode,
      requestId: findHeader(/^x-[\w-]+-request-?id$/, headers),
      extendedRequestId: findHeader(/^x-[\w-]+-id-2$/, headers),
      cfId: findHeader(/^x-[\w-]+-cf-id$/, headers),
    };
  }
  return asAttemptError(error);
}

function findHeader(pattern: RegExp, headers: [string, string][]): string | undefined {
  return headers.find(([name]) => pattern.test(name))?.[1];
}
