import type { Writable } from 'node:stream';
import type { LambdaContext } from './lambda-types.js';

/**
 * The response stream the Node.js runtime hands a streaming handler: a Writable with
 * `setContentType`. Writes go to the client as they are made.
 */
export interface ResponseStream extends Writable {
  setContentType(contentType: string): void;
}

/** The status and headers a Function URL sends before the streamed body. */
export interface HttpResponseStreamPrelude {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly cookies?: readonly string[];
}

/** A handler in the runtime's streaming shape: `(event, responseStream, context)`. */
export type StreamingHandlerFunction<E = unknown> = (
  event: E,
  responseStream: ResponseStream,
  context: LambdaContext,
) => Promise<void>;

/**
 * The `awslambda` global that the Lambda Node.js runtime defines (it is not an npm package):
 * `streamifyResponse` marks a handler as streaming; `HttpResponseStream.from` makes the stream
 * send a JSON prelude (status, headers) and an 8-byte null delimiter before its first write.
 */
export interface AwsLambdaRuntime {
  streamifyResponse<E>(handler: StreamingHandlerFunction<E>): StreamingHandlerFunction<E>;
  readonly HttpResponseStream: {
    from(stream: ResponseStream, prelude: HttpResponseStreamPrelude): ResponseStream;
  };
}

/** The runtime's `awslambda` global, or `undefined` outside Lambda. */
export function findLambdaRuntime(): AwsLambdaRuntime | undefined {
  const candidate = (globalThis as unknown as { awslambda?: Partial<AwsLambdaRuntime> }).awslambda;
  if (typeof candidate?.streamifyResponse !== 'function') return undefined;
  if (typeof candidate.HttpResponseStream?.from !== 'function') return undefined;
  return candidate as AwsLambdaRuntime;
}
