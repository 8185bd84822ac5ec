import net from 'node:net';

/** A raw TCP client: what it received, and whether and how the server closed it. */
export interface RawConnection {
  readonly socket: net.Socket;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Resolves when the connection is closed, with the error that closed it, if any (ECONNRESET, EPIPE). */
  readonly closed: Promise<{ error?: string }>;
  /** Whether the server has closed its side yet (or the connection is gone). */
  isClosed(): boolean;
}

/** Opens a raw TCP connection to an `http://host:port` URL, keeping whatever the server sends. */
export async function rawConnect(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  // Half-open allowed: like most clients outside Node, it keeps sending after the server's FIN.
  const socket = net.connect({ port: Number(port), host: hostname, allowHalfOpen: true });
  let text = '';
  let closed = false;
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
  });
  socket.once('end', () => {
    closed = true;
  });
  socket.on('error', (cause: NodeJS.ErrnoException) => {
    error ??= cause.code ?? cause.message;
  });
  const closedPromise = new Promise<{ error?: string }>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve(error === undefined ? {} : { error });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => text, closed: closedPromise, isClosed: () => closed };
}

/** An HTTP/1.1 request head, lines joined with CRLF and ending with the blank line. */
export function requestHead(method: string, path: string, headers: Record<string, string | number>): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'host: localhost'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
