import { constants } from 'node:http2';
import type { GatewayResponse } from '@bedrock-ha/http';
import type { NodeRequest, NodeResponse } from './node-message.js';
import { writeGatewayResponse } from './write-gateway-response.js';

/** How much of a refused body is read and dropped before the connection is closed. */
export interface DrainBudget {
  /** Bytes read and dropped at most (nothing is buffered). */
  readonly bytes: number;
  /** Time spent at most, in ms. */
  readonly ms: number;
}

/**
 * Answers a request whose body was not read, or only in part (a 401, a 413). HTTP/1.1: the answer
 * goes out at once, with `Connection: close`, then the body is read and dropped within `budget`
 * before the connection closes. Closing at once would make the kernel reset the connection under a
 * client still uploading, which then loses the answer (EPIPE: Python's urllib, Node without an
 * agent, any client sending `Connection: close`); dropping forever would let a chunked upload run
 * without end. HTTP/2: the answer ends the stream and a `RST_STREAM(NO_ERROR)` tells the client to
 * stop sending (RFC 9113 §8.1); the session, and its other streams, go on.
 */
export async function answerUnread(
  request: NodeRequest,
  response: NodeResponse,
  answer: GatewayResponse,
  budget: DrainBudget,
): Promise<void> {
  if ('stream' in response) {
    await writeGatewayResponse(response, answer);
    const { stream } = response;
    if (!stream.destroyed && !request.complete) stream.close(constants.NGHTTP2_NO_ERROR);
    return;
  }
  if (!hasBody(request) || request.complete || request.readableEnded || typeof answer.body !== 'string') {
    await writeGatewayResponse(response, answer);
    return;
  }
  if (response.destroyed) return;
  response.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  // A length, so the client has the whole answer before `end()`, which comes after the drain.
  response.setHeader('content-length', Buffer.byteLength(answer.body));
  response.setHeader('connection', 'close');
  response.write(answer.body);
  await drain(request, budget);
  // Node closes the connection once this ends (`Connection: close`).
  response.end();
}

/** Whether an HTTP/1.1 request declares a body: a bodyless one (a GET) keeps its keep-alive connection. */
function hasBody(request: NodeRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/** Reads and drops a request body until it ends, the client goes, or the budget is spent. */
function drain(request: NodeRequest, budget: DrainBudget): Promise<void> {
  return new Promise((resolve) => {
    let dropped = 0;
    const done = () => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', done);
      request.off('close', done);
      request.pause();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > budget.bytes) done();
    };
    const timer = setTimeout(done, budget.ms);
    request.on('data', onData);
    request.once('end', done);
    request.once('close', done);
    // A read error ends in 'close' too; this only keeps it from being unhandled.
    request.on('error', () => {});
    request.resume();
  });
}
