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
  // HTTP/1.1: the headers wait (corked) until the end of this tick, so the chunks the stream has
  // ready at once (a started stream's first content) leave in the same packet; a stream with
  // nothing ready still shows its client the stream open at the end of the tick.
  if (!('stream' in response)) {
    response.cork();
    process.nextTick(() => response.uncork());
  }
  sendHeaders(response);
  await writeStream(response, body[Symbol.asyncIterator]());
}

async function writeStream(response: NodeResponse, iterator: AsyncIterator<Uint8Array>): Promise<void> {
  const gone = clientGone(response);
  try {
    while (!gone.signal.aborted) {
      const next = await gone.unless(iterator.next());
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

/**
 * A signal that aborts when the response closes before it finished, and `unless(pull)`: the pull's
 * result, or `undefined` as soon as the client goes first. One promise per pull, and nothing kept
 * per pull once it settled (a race against one shared promise would keep a reaction per chunk).
 */
function clientGone(response: NodeResponse) {
  const controller = new AbortController();
  let wake: ((value: undefined) => void) | undefined;
  const onClose = () => {
    if (isAnswerComplete(response)) return;
    controller.abort();
    wake?.(undefined);
  };
  if (isResponseGone(response)) onClose();
  response.on('close', onClose);
  return {
    signal: controller.signal,
    unless<T>(pull: Promise<T>): Promise<T | undefined> {
      return new Promise((resolve, reject) => {
        wake = resolve;
        // Left behind when the client goes first: its late rejection then settles nothing.
        pull.then(resolve, reject);
      });
    },
    dispose: () => response.off('close', onClose),
  };
}
