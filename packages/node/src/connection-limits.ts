import type { Logger } from 'pino';
import { DEFAULT_ACCEPT_LISTENERS } from './accept-listeners.js';

/** Bounds on the connections a {@link dualProtocolServer} keeps, before and after a request. */
export interface ConnectionLimits {
  /**
   * Connections open at once; past it, new ones are closed at once and `onConnectionLimit` is
   * called. Default 1 000.
   */
  readonly maxConnections?: number;
  /**
   * How long a new connection may take to send its first request's headers (HTTP/1.1) or its
   * preface and settings (HTTP/2), in ms; then it is closed. Covers connections that never send a
   * byte. HTTP/1.1 keep-alive connections get it again for each request. Default 20 000.
   */
  readonly headersTimeoutMs?: number;
  /**
   * How long a connection with no request in flight stays open, in ms: HTTP/1.1 keep-alive, and
   * HTTP/2 sessions with no open stream (closed with a GOAWAY). Default 65 000, above load
   * balancers' idle timeouts (an ALB's is 60 s), so a balancer never sends a request on a
   * connection this server is closing at that moment (a 502).
   */
  readonly idleTimeoutMs?: number;
  /**
   * Listening sockets on the port (`SO_REUSEPORT`): Node accepts at most one connection per
   * socket per event-loop turn, so under load new connections wait in the kernel's queue for as
   * many turns as there are connections ahead of them. Default 8 on Linux, 1 elsewhere (where
   * `reusePort` is not supported); at most 64.
   */
  readonly acceptListeners?: number;
  /** Called when a connection is refused for `maxConnections`, with the number then open. */
  readonly onConnectionLimit?: (open: number) => void;
}

/** The default of {@link ConnectionLimits.maxConnections}. */
export const DEFAULT_MAX_CONNECTIONS = 1_000;
/** The default of {@link ConnectionLimits.headersTimeoutMs}. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 20_000;
/** The default of {@link ConnectionLimits.idleTimeoutMs}. */
export const DEFAULT_IDLE_TIMEOUT_MS = 65_000;

/** The limits with defaults filled in; a RangeError names a bad one. */
export function resolveLimits(
  limits: ConnectionLimits,
): Required<Omit<ConnectionLimits, 'onConnectionLimit'>> {
  const resolved = {
    maxConnections: limits.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    headersTimeoutMs: limits.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    idleTimeoutMs: limits.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    acceptListeners: limits.acceptListeners ?? DEFAULT_ACCEPT_LISTENERS,
  };
  for (const [name, value] of Object.entries(resolved))
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${name} must be a positive whole number, got ${value}`);
  if (resolved.acceptListeners > 64)
    throw new RangeError(`acceptListeners must be at most 64, got ${resolved.acceptListeners}`);
  return resolved;
}

/** Logs refused connections: the first at once, then at most one line every 10 s with the count. */
export function connectionLimitLog(logger: Logger, maxConnections: number): (open: number) => void {
  let refused = 0;
  let loggedAt = Number.NEGATIVE_INFINITY;
  return (open) => {
    refused++;
    const now = performance.now();
    if (now - loggedAt < 10_000) return;
    loggedAt = now;
    logger.warn(
      { event: 'connection-limit', maxConnections, open, refused },
      `connection limit of ${maxConnections} reached: refused ${refused} connection(s); raise BEDROCK_HA_MAX_CONNECTIONS or add instances`,
    );
    refused = 0;
  };
}
