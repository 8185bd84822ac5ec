import type { Gateway, GatewayOptions, GatewayResponse } from '@bedrock-ha/http';
import { answerUnread, type DrainBudget } from './answer-unread.js';
import { isAnswerComplete, type NodeRequest, type NodeResponse } from './node-message.js';
import { readRequestBody } from './read-request-body.js';
import { writeGatewayResponse } from './write-gateway-response.js';

/** Options for {@link serveGatewayRequest}. */
export interface ServeGatewayRequestOptions {
  /**
   * Where failures met before the gateway runs (body too large or unreadable) are logged; give the
   * same function as the gateway's `onRequestLog`, which logs everything else.
   */
  readonly onRequestLog?: GatewayOptions['onRequestLog'];
}

/** How long a refused upload is read and dropped, so the client reads the answer: see `answerUnread`. */
const DRAIN_MS = 5_000;

/**
 * Answers one `node:http` or `node:http2` (compatibility API) request with a gateway: checks the
 * API key from the headers first (`gateway.authorize`), so a caller without a key gets its 401
 * before any of its body is read; reads the raw body up to `gateway.maxBodyBytes` (a refused or
 * oversized upload is read and dropped up to twice that, or 5 s, then the connection closes), aborts the upstream call when the client goes away, and writes
 * the answer with backpressure. Never rejects for a client's failure. `request.url` is the path
 * the gateway routes on (a mount prefix already stripped). The Express router is this plus routing.
 *
 * @example
 * http2.createServer((request, response) => void serveGatewayRequest(gateway, request, response));
 */
export async function serveGatewayRequest(
  gateway: Gateway,
  request: NodeRequest,
  response: NodeResponse,
  options: ServeGatewayRequestOptions = {},
): Promise<void> {
  const { onRequestLog } = options;
  const started = performance.now();
  const method = request.method ?? 'GET';
  // The path stays percent-encoded, as the gateway splits it before decoding (a model ARN's `/`
  // arrives as `%2F`).
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const disconnected = abortOnDisconnect(response);
  const headers = headersOf(request);
  // A refused upload is read and dropped, never buffered, up to twice the limit.
  const budget: DrainBudget = { bytes: 2 * gateway.maxBodyBytes, ms: DRAIN_MS };
  try {
    const admission = gateway.authorize({ method, path, headers });
    if (admission.kind === 'answer') {
      await answerUnread(request, response, admission.response, budget);
      return;
    }
    const limitBytes = admission.maxBodyBytes;
    const read = await readRequestBody(request, limitBytes);
    if (read.kind === 'too-large') {
      const answer = gateway.errorResponse(path, { kind: 'payload-too-large', limitBytes });
      logRefusal(answer, `the body is larger than ${limitBytes} bytes`);
      await answerUnread(request, response, answer, budget);
      return;
    }
    if (read.kind === 'failed') {
      if (disconnected.signal.aborted) return;
      const answer = gateway.errorResponse(path, { kind: 'bad-request', message: read.message });
      await writeGatewayResponse(response, answer);
      logRefusal(answer, read.message);
      return;
    }
    const answer = await gateway.handle({
      method,
      path,
      headers,
      body: read.body,
      signal: disconnected.signal,
    });
    await writeGatewayResponse(response, answer);
  } finally {
    disconnected.dispose();
  }

  // Failures met before the gateway runs: answered in its format, and logged as it logs its own.
  function logRefusal(answer: GatewayResponse, reason: string) {
    onRequestLog?.({
      requestId: answer.headers['x-request-id'] ?? '',
      method,
      route: `${method} ${path}`,
      status: answer.status,
      durationMs: performance.now() - started,
      error: { name: 'RequestBodyError', message: reason },
    });
  }
}

/** An abort signal for the upstream call that fires when the client goes away before the answer is done. */
function abortOnDisconnect(response: NodeResponse) {
  const controller = new AbortController();
  const onClose = () => {
    if (!isAnswerComplete(response)) controller.abort(new Error('The client closed the connection.'));
  };
  response.on('close', onClose);
  return { signal: controller.signal, dispose: () => response.off('close', onClose) };
}

/**
 * Node's headers (already lower case) with repeated ones joined, as the gateway expects. HTTP/2's
 * pseudo-headers (`:path`, `:method`, ...) are left out: the gateway reads those from the request.
 */
function headersOf(request: NodeRequest): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (!name.startsWith(':')) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}
