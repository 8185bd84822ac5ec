import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

/** A request handler that works for both HTTP/1.1 and HTTP/2 (Node's compatibility API). */
export type RequestHandler = (
  request: http.IncomingMessage | http2.Http2ServerRequest,
  response: http.ServerResponse | http2.Http2ServerResponse,
) => void;

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');

/** A listening port that serves HTTP/1.1 and cleartext HTTP/2 (prior knowledge) side by side. */
export interface DualProtocolListener {
  readonly port: number;
  readonly host: string;
  /** `http://host:port`, the base URL to give a client. */
  readonly url: string;
  /** Stops accepting, then destroys every open connection (hung requests included). */
  close(): Promise<void>;
}

/**
 * Listens on one port for both protocols. The AWS SDK's runtime client speaks h2c by default and
 * HTTP/1.1 when given a `NodeHttpHandler`; the control-plane client speaks HTTP/1.1. Node cannot
 * serve both on one cleartext port by itself, so each connection's first bytes pick the server.
 */
export async function listen(
  handler: RequestHandler,
  port: number,
  host: string,
  keepAliveTimeoutMs = 5_000,
): Promise<DualProtocolListener> {
  const h1 = http.createServer({ keepAliveTimeout: keepAliveTimeoutMs }, handler);
  const h2 = http2.createServer({ maxSessionMemory: 64 }, handler);
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.Http2Session>();
  h2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    // Like a real front end, an HTTP/2 session idle for the keep-alive timeout is closed with a
    // GOAWAY; streams still open finish first (close() is graceful).
    session.setTimeout(keepAliveTimeoutMs, () => session.close());
  });

  const front = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const compared = Math.min(head.length, HTTP2_PREFACE.length);
      const isHttp2 = head.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
      if (isHttp2 && head.length < HTTP2_PREFACE.length) return; // wait for the whole preface
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      if (isHttp2) {
        // The h2 session consumes the native handle and picks up the unshifted preface itself;
        // resuming the JS stream here would feed the preface twice.
        h2.emit('connection', socket);
      } else {
        h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });

  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(port, host, () => {
      front.off('error', reject);
      resolve();
    });
  });
  const address = front.address() as net.AddressInfo;

  return {
    port: address.port,
    host,
    url: urlOf(host, address.port),
    async close() {
      const closed = new Promise<void>((resolve) => front.close(() => resolve()));
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      h1.closeAllConnections();
      await closed;
    },
  };
}

/** The base URL of a host and port; an IPv6 host goes in brackets. */
function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
