import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { listenAll } from './accept-listeners.js';
import { type ConnectionLimits, resolveLimits } from './connection-limits.js';
import type { NodeRequest, NodeResponse } from './node-message.js';
import { sniffProtocol } from './sniff-protocol.js';

/**
 * One port serving HTTP/1.1 and cleartext HTTP/2 (prior knowledge), with bounded connections and a
 * two-step graceful close.
 */
export interface DualProtocolServer {
  /** Starts listening; resolves with the address, or rejects with the listen error. */
  listen(port: number, host: string | undefined): Promise<net.AddressInfo>;
  /**
   * The graceful half: refuses new connections, closes idle HTTP/1.1 connections, and sends GOAWAY
   * on every HTTP/2 session (its streams in flight finish; the client opens no new ones). Resolves
   * once every connection has closed.
   */
  stopAccepting(): Promise<void>;
  /** The forced half: destroys every connection left, aborting its requests. */
  closeAll(): void;
}

/**
 * Serves both protocols on one port, as the simulator does: the AWS SDK's runtime client speaks
 * h2c (prior knowledge) by default on an `http://` endpoint, while curl, OpenAI clients and load
 * balancers speak HTTP/1.1. Node cannot serve both on one cleartext port by itself (`allowHTTP1`
 * only works with TLS), so each connection's first bytes pick the server. One handler answers
 * both (Node's HTTP/2 compatibility API has the HTTP/1.1 request and response shape). The port is
 * held by `acceptListeners` sockets (`SO_REUSEPORT`), since Node accepts one connection per
 * listening socket per event-loop turn (see `DEFAULT_ACCEPT_LISTENERS`).
 */
export function dualProtocolServer(
  handler: (request: NodeRequest, response: NodeResponse) => void,
  limits: ConnectionLimits = {},
): DualProtocolServer {
  const { maxConnections, headersTimeoutMs, idleTimeoutMs, acceptListeners } = resolveLimits(limits);
  const http1 = http.createServer(
    // Node checks the headers timeout on this interval (30 s by default), so a short timeout needs a short one.
    { connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.round(headersTimeoutMs / 4))) },
    handler,
  );
  http1.keepAliveTimeout = idleTimeoutMs;
  http1.headersTimeout = headersTimeoutMs;
  const h2 = http2.createServer(handler);
  const sockets = new Set<net.Socket>();
  const unsorted = new Set<net.Socket>();
  const sessions = new Set<http2.Http2Session>();
  let stopping = false;
  h2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    boundSession(session, headersTimeoutMs, idleTimeoutMs);
    // A connection accepted just before the shutdown: it may finish nothing new.
    if (stopping) session.close();
  });

  const onConnection = (socket: net.Socket) => {
    // Counted here rather than by each listener's `maxConnections`: the bound is the port's.
    if (sockets.size >= maxConnections) {
      socket.destroy();
      limits.onConnectionLimit?.(sockets.size);
      return;
    }
    sockets.add(socket);
    unsorted.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      unsorted.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    // A connection that sends nothing (or only part of the HTTP/2 preface) holds a descriptor.
    socket.setTimeout(headersTimeoutMs, () => socket.destroy());
    sniffProtocol(socket, (protocol) => {
      unsorted.delete(socket);
      // From here the chosen server's own timeouts apply.
      socket.setTimeout(0);
      if (protocol === 'http2') {
        // The session consumes the native handle and reads the unshifted preface itself;
        // resuming the JS stream here would feed it twice.
        h2.emit('connection', socket);
      } else {
        http1.emit('connection', socket);
        socket.resume();
      }
    });
  };
  // Several sockets on the port, each accepting one connection per turn: see `acceptListeners`.
  const fronts = Array.from({ length: acceptListeners }, () =>
    net.createServer({ noDelay: true }, onConnection),
  );

  let closed: Promise<void> | undefined;
  return {
    async listen(port, host) {
      const address = await listenAll(fronts, port, host);
      // Node tracks an HTTP/1.1 server's connections (idle ones to close, headers and request
      // timeouts to enforce) from its 'listening' event; this one never listens itself.
      http1.emit('listening');
      return address;
    },
    stopAccepting() {
      if (closed) return closed;
      stopping = true;
      closed = Promise.all(
        fronts.map((front) => new Promise<void>((resolve) => front.close(() => resolve()))),
      ).then(() => {});
      // Connections that have not sent a byte carry no request.
      for (const socket of unsorted) socket.destroy();
      // Closes the idle keep-alive connections and stops the timeout checks; it listens on nothing.
      http1.close();
      for (const session of sessions) session.close();
      return closed;
    },
    closeAll() {
      http1.closeAllConnections();
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * Closes an HTTP/2 session that does not finish its preface (the client's SETTINGS) within
 * `headersTimeoutMs`, and one left without an open stream for `idleTimeoutMs` (with a GOAWAY, so
 * the client opens a new one). A stream waiting long for Bedrock's first token keeps its session.
 */
function boundSession(session: http2.Http2Session, headersTimeoutMs: number, idleTimeoutMs: number): void {
  const preface = setTimeout(() => session.destroy(), headersTimeoutMs);
  session.once('remoteSettings', () => clearTimeout(preface));
  let open = 0;
  session.on('stream', (stream: http2.ServerHttp2Stream) => {
    open++;
    stream.once('close', () => open--);
  });
  // Node re-arms the timer on the session's next activity after it fires.
  session.setTimeout(idleTimeoutMs, () => {
    if (open === 0) session.close();
  });
  session.once('close', () => clearTimeout(preface));
}
