import type { Gateway, GatewayError, GatewayOptions } from '@bedrock-ha/http';
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

/**
 * Answers one `node:http` or `node:http2` (compatibility API) request with a gateway: reads the raw
 * body up to `gateway.maxBodyBytes`, aborts the upstream call when the client goes away, and writes
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
  // Failures met before the gateway runs: answered in its format, and logged as it logs its own.
  const refuse = async (error: GatewayError, reason: string) => {
    const answer = gateway.errorResponse(path, error);
    await writeGatewayResponse(response, answer);
    onRequestLog?.({
      requestId: answer.headers['x-request-id'] ?? '',
      method,
      route: `${method} ${path}`,
      status: answer.status,
      durationMs: performance.now() - started,
      error: { name: 'RequestBodyError', message: reason },
    });
  };
  try {
    const read = await readRequestBody(request, gateway.maxBodyBytes);
    if (read.kind === 'too-large') {
      const limitBytes = gateway.maxBodyBytes;
      await refuse({ kind: 'payload-too-large', limitBytes }, `the body is larger than ${limitBytes} bytes`);
      return;
    }
    if (read.kind === 'failed') {
      if (disconnected.signal.aborted) return;
      await refuse({ kind: 'bad-request', message: read.message }, read.message);
      return;
    }
    const answer = await gateway.handle({
      method,
      path,
      headers: headersOf(request),
      body: read.body,
      signal: disconnected.signal,
    });
    await writeGatewayResponse(response, answer);
  } finally {
    disconnected.dispose();
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
