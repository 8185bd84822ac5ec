import { finished } from 'node:stream/promises';
import type { GatewayResponse } from '@bedrock-ha/http';
import type { AwsLambdaRuntime, ResponseStream } from './lambda-runtime.js';

/**
 * Sends a gateway response on a Function URL's response stream: the status and headers as the
 * runtime's prelude, then each body chunk as its own write, as it arrives. The next chunk is pulled
 * only once the stream has taken the last (backpressure); when the client goes away the body's
 * iterator is returned, which releases the upstream Bedrock stream.
 */
export async function writeStreamingResponse(
  runtime: AwsLambdaRuntime,
  responseStream: ResponseStream,
  response: GatewayResponse,
): Promise<void> {
  const stream = runtime.HttpResponseStream.from(responseStream, {
    statusCode: response.status,
    headers: response.headers,
  });
  const { body } = response;
  try {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      // Even an empty body is written: the prelude goes out with the first write.
      await writeChunk(stream, body);
      return;
    }
    let wrote = false;
    for await (const chunk of body) {
      wrote = true;
      if (!(await writeChunk(stream, chunk))) break; // the client went away: return() the body
    }
    if (!wrote) await writeChunk(stream, new Uint8Array(0));
  } finally {
    await endStream(stream);
  }
}

/**
 * A signal that fires when the response stream closes or fails before the response was finished:
 * the client went away. `dispose()` removes the listeners.
 */
export function clientDisconnect(stream: ResponseStream): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const gone = () => {
    if (!stream.writableFinished)
      controller.abort(new DOMException('The client closed the response stream', 'AbortError'));
  };
  stream.on('close', gone);
  stream.on('error', gone);
  if (stream.destroyed) gone();
  return {
    signal: controller.signal,
    dispose() {
      stream.off('close', gone);
      stream.off('error', gone);
    },
  };
}

/** Writes one chunk, waiting for `drain` when the stream is full. False when the stream closed. */
async function writeChunk(stream: ResponseStream, chunk: string | Uint8Array): Promise<boolean> {
  if (stream.destroyed || stream.writableEnded) return false;
  if (stream.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
  return !stream.destroyed;
}

async function endStream(stream: ResponseStream): Promise<void> {
  if (stream.destroyed) return;
  if (!stream.writableEnded) stream.end();
  try {
    await finished(stream);
  } catch {
    // The client disconnected while the last bytes were flushing: nothing is left to tell it.
  }
}
