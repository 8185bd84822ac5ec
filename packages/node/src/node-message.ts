import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';

/** A request from `node:http` or from `node:http2`'s compatibility API (which Express cannot serve). */
export type NodeRequest = IncomingMessage | Http2ServerRequest;

/** A response from `node:http` or from `node:http2`'s compatibility API. */
export type NodeResponse = ServerResponse | Http2ServerResponse;

/** True once the client can no longer receive anything: its connection (HTTP/1.1) or stream (HTTP/2) is gone. */
export function isResponseGone(response: NodeResponse): boolean {
  // The HTTP/2 compatibility response has no `destroyed` of its own; its stream does.
  return 'stream' in response ? response.stream.destroyed : response.destroyed;
}

/**
 * Ends a response after what was written without its proper end, so the client sees a cut rather
 * than a clean end: HTTP/1.1 closes the connection before the final chunk; HTTP/2 resets only this
 * stream (the session may carry other requests).
 */
export function cutResponse(response: NodeResponse): void {
  if ('stream' in response) response.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  else if (response.socket) response.socket.end();
  else response.destroy();
}

/** Sends the status and headers now, before the first chunk, so a streaming client sees the stream open. */
export function sendHeaders(response: NodeResponse): void {
  // The compatibility response's `flushHeaders` is missing from @types/node; `writeHead` does the same.
  if ('stream' in response) response.writeHead(response.statusCode);
  else response.flushHeaders();
}

/** Writes a chunk; false when the client has not taken it yet (wait for `drain`). */
export function writeChunk(response: NodeResponse, chunk: Uint8Array): boolean {
  // Narrowed apart: the two `write` signatures do not combine into one callable union.
  return 'stream' in response ? response.write(chunk) : response.write(chunk);
}

/**
 * True when a closed response had been answered in full, false when the client left first. The
 * HTTP/2 compatibility response reports `writableFinished` (and emits 'finish') even for a stream
 * the client reset, so there the stream's close code decides.
 */
export function isAnswerComplete(response: NodeResponse): boolean {
  if ('stream' in response)
    return response.writableEnded && response.stream.rstCode === constants.NGHTTP2_NO_ERROR;
  return response.writableFinished;
}
