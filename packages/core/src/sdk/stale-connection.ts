import { subscribe } from 'node:diagnostics_channel';
import type { Agent, ClientRequest } from 'node:http';

/**
 * How long an idle keep-alive connection is kept by the default client (ms). Below the shortest
 * idle timeout common in front of HTTP services, Node's own server default of 5 s (ALB's is 60 s,
 * nginx's 75 s), by the 1 s margin Node's agent takes off a server's `Keep-Alive: timeout` hint;
 * undici's default is the same 4 s. Reusing a connection the server is closing at that moment
 * fails with ECONNRESET; closing it first on our side costs at most one new connection.
 */
export const KEEP_ALIVE_IDLE_MS = 4_000;

// Errors of requests that a server never received (sent on a reused connection it had closed),
// each with the agent that lent the connection.
const stale = new WeakMap<object, Agent | undefined>();
let watching = false;

// A reused HTTP/1.1 connection closed under a request before its response fails with one of these.
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);
// HTTP/2 streams a server is known not to have processed (RFC 9113 §8.7): opened on a session after
// its GOAWAY, or refused by one.
const UNPROCESSED_HTTP2 = new Set(['ERR_HTTP2_GOAWAY_SESSION', 'ERR_HTTP2_INVALID_SESSION']);

/**
 * Starts recognising stale keep-alive connections, process-wide and once: Node publishes every
 * client request's error, with the request, on the `http.client.request.error` diagnostics channel
 * (Node 22.6, backported to 20; a Node without it leaves such errors to the policies, as before),
 * which tells whether the socket was reused and whether a response had begun. This works for any
 * Node HTTP client, so for a `clientFactory`'s own agents too. The SDK's handler does not expose
 * the request, and names these errors `TimeoutError`.
 */
export function watchStaleConnections(): void {
  if (watching) return;
  watching = true;
  subscribe('http.client.request.error', (message) => {
    const { request, error } = message as { request: ClientRequest; error: unknown };
    const code = (error as { code?: unknown } | null)?.code;
    // `res` (null until then) is set once response headers arrive: the server had the request.
    const responded = Boolean((request as { res?: unknown }).res);
    if (!request.reusedSocket || responded || typeof code !== 'string' || !RESET_CODES.has(code)) return;
    // Our own abort of a request also ends in "socket hang up": the agent's idle sockets are
    // dropped only when the request is actually sent again (below), never on an abort.
    if (typeof error === 'object' && error !== null) stale.set(error, (request as { agent?: Agent }).agent);
  });
}

/** An error and its causes, a few levels down (the SDK passes the network error itself). */
function* causeChain(error: unknown): Generator<object> {
  let current = error;
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/**
 * Drops the idle connections of the agent that lent a stale one: they have been idle as long and
 * are likely closed too, so the retry (and the requests around it) open fresh ones.
 */
function dropIdleConnections(error: unknown): void {
  for (const cause of causeChain(error)) {
    const agent = stale.get(cause);
    if (!agent?.freeSockets) continue;
    for (const sockets of Object.values(agent.freeSockets))
      for (const socket of sockets ?? []) socket.destroy();
  }
}

/**
 * Whether an error means the request never reached the server because its connection had gone
 * stale: a reused HTTP/1.1 connection reset before any response, or an HTTP/2 stream refused by
 * (or opened after) the server's GOAWAY. Such a request is safe to send again at once.
 */
export function isStaleConnectionError(error: unknown): boolean {
  for (const cause of causeChain(error)) {
    if (stale.has(cause)) return true;
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNPROCESSED_HTTP2.has(code)) return true;
    if (typeof message !== 'string') continue;
    if (code === 'ERR_HTTP2_STREAM_ERROR' && /REFUSED_STREAM/.test(message)) return true;
    // The SDK's HTTP/2 handler reports a stream closed before its request was fully written as
    // "abnormally aborted ... with result code N"; 7 is REFUSED_STREAM.
    if (/abnormally aborted .* result code 7\b/.test(message)) return true;
  }
  return false;
}

/**
 * Sends a request, and once more, at once, if its connection turned out stale: the server never
 * saw the first try, so it is neither an endpoint failure nor a retry to pay for.
 */
export async function sendRetryingStaleConnection<T>(
  send: () => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (signal.aborted || !isStaleConnectionError(error)) throw error;
    dropIdleConnections(error);
    return await send();
  }
}
