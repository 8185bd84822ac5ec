import type { GatewayResponse } from '@bedrock-ha/http';
import {
  cutResponse,
  isAnswerComplete,
  isResponseGone,
  type NodeResponse,
  sendHeaders,
  writeChunk,
} from './node-message.js';

/**
 * Writes a gateway response to Node's response (`node:http`, or `node:http2`'s compatibility API). A streaming body goes out chunk by chunk: headers
 * first (so an SSE client sees the stream start), then each chunk, pulling the next only once the
 * socket has taken the last. When the client goes away the iterator's `return()` releases the
 * upstream stream; a stream that fails after its headers were sent closes the connection without
 * the final chunk (HTTP/2: resets the stream), so the client sees a cut, never a clean end. A client already gone gets
 * nothing, and a streaming body is released at once.
 */
export async function writeGatewayResponse(response: NodeResponse, answer: GatewayResponse): Promise<void> {
  const { body } = answer;
  if (isResponseGone(response)) {
    // Writing to a closed response would raise an error event nobody listens to.
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) release(body[Symbol.asyncIterator]());
    return;
  }
  response.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  if (typeof body === 'string' || body instanceof Uint8Array) {
    response.end(body);
    return;
  }
  sendHeaders(response);
  await writeStream(response, body[Symbol.asyncIterator]());
}

async function writeStream(response: NodeResponse, iterator: AsyncIterator<Uint8Array>): Promise<void> {
  const gone = clientGone(response);
  try {
    while (!gone.signal.aborted) {
      const pending = iterator.next();
      // Left behind when the client goes first: its late rejection must not go unhandled.
      pending.catch(() => {});
      const next = await Promise.race([pending, gone.promise]);
      if (next === undefined || next.done) break;
      if (!writeChunk(response, next.value)) await drained(response, gone.signal);
    }
    if (gone.signal.aborted) {
      release(iterator);
      return;
    }
    response.end();
  } catch {
    cutResponse(response);
  } finally {
    gone.dispose();
  }
}

/**
 * Lets go of a stream the client no longer reads. Not awaited: an iterator may first finish a
 * `next()` still waiting on the upstream, which the request's abort signal (fired by the same
 * disconnect) ends.
 */
function release(iterator: AsyncIterator<Uint8Array>): void {
  iterator.return?.().catch(() => {});
}

/** Resolves when the socket drains after a write it could not take at once, or the client goes. */
function drained(response: NodeResponse, gone: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (gone.aborted) return resolve();
    const done = () => {
      response.off('drain', done);
      gone.removeEventListener('abort', done);
      resolve();
    };
    response.on('drain', done);
    gone.addEventListener('abort', done);
  });
}

/** A signal and a promise that settle when the response closes before it finished. */
function clientGone(response: NodeResponse) {
  const controller = new AbortController();
  let resolveGone: (value: undefined) => void = () => {};
  const promise = new Promise<undefined>((resolve) => {
    resolveGone = resolve;
  });
  const onClose = () => {
    if (isAnswerComplete(response)) return;
    controller.abort();
    resolveGone(undefined);
  };
  if (isResponseGone(response)) onClose();
  response.on('close', onClose);
  return { signal: controller.signal, promise, dispose: () => response.off('close', onClose) };
}
