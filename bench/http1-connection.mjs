// One keep-alive HTTP/1.1 client connection on a bare `net` socket, for the load generator and the
// connection prober. It writes a request built once and parses only what it must (the status line,
// content-length or chunked framing, `connection: close`), so a request costs the measuring process
// a few microseconds where node:http's client costs it tens: at 1,000+ requests a second on two
// shared cores, a Node client saturates its own event loop first and every wait it records then
// includes its own lateness (bench/README.md 6b).
import net from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/** The bytes of one POST request, built once and written for every request. */
export function requestBytes(url, headers, body) {
  const target = new URL(url);
  const payload = Buffer.from(body);
  const lines = [
    `POST ${target.pathname}${target.search} HTTP/1.1`,
    `host: ${target.host}`,
    'content-type: application/json',
    `content-length: ${payload.length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}

/**
 * Opens a connection to `url`'s host and port. `send(bytes, { onHeaders, onBody })` writes one
 * request and resolves with its status once the whole answer is read (0 when the connection failed
 * or closed first); `onHeaders()` runs when the answer's head has arrived, `onBody(chunk)` on each
 * piece of its body. `open` is false once the server closed the connection (or asked to).
 */
export function openConnection(url) {
  const target = new URL(url);
  const socket = net.connect({ host: target.hostname, port: Number(target.port), noDelay: true });
  let pending = Buffer.alloc(0);
  let current;
  const connection = {
    open: true,
    /** The last answer's `retry-after`, in seconds, when it had one. */
    retryAfterS: undefined,
    send(bytes, handlers = {}) {
      return new Promise((resolve) => {
        current = { ...handlers, resolve, state: 'head', left: 0, status: 0, close: false };
        socket.write(bytes);
      });
    },
    close: () => socket.destroy(),
  };
  const finish = (status) => {
    const done = current;
    current = undefined;
    if (done?.close) {
      connection.open = false;
      socket.destroy();
    }
    done?.resolve(status);
  };
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (current && parse()) {}
  });
  const gone = () => {
    connection.open = false;
    if (current) finish(current.state === 'until-close' ? current.status : 0);
  };
  socket.on('error', gone);
  socket.on('close', gone);

  /** Consumes what `pending` holds of the current answer; true when it may hold more to parse. */
  function parse() {
    const answer = current;
    if (answer.state === 'head') {
      const end = pending.indexOf(HEAD_END);
      if (end < 0) return false;
      const head = pending.toString('latin1', 0, end).toLowerCase();
      pending = pending.subarray(end + 4);
      answer.status = Number(head.slice(9, 12));
      answer.close = /\r\nconnection: *close/.test(head);
      const retryAfter = /\r\nretry-after: *(\d+)/.exec(head);
      connection.retryAfterS = retryAfter ? Number(retryAfter[1]) : undefined;
      const length = /\r\ncontent-length: *(\d+)/.exec(head);
      if (length) [answer.state, answer.left] = ['body', Number(length[1])];
      else if (/\r\ntransfer-encoding: *chunked/.test(head)) answer.state = 'chunk-size';
      else [answer.state, answer.close] = ['until-close', true];
      answer.onHeaders?.();
      return true;
    }
    if (answer.state === 'body' || answer.state === 'chunk-data') {
      const take = Math.min(answer.left, pending.length);
      if (take > 0) answer.onBody?.(pending.subarray(0, take));
      pending = pending.subarray(take);
      answer.left -= take;
      if (answer.left > 0) return false;
      if (answer.state === 'body') finish(answer.status);
      else answer.state = 'chunk-end';
      return true;
    }
    if (answer.state === 'until-close') {
      if (pending.length > 0) answer.onBody?.(pending);
      pending = Buffer.alloc(0);
      return false;
    }
    // chunk-size, chunk-end (the CRLF after a chunk's data) and trailer (after the last chunk) are lines.
    const end = pending.indexOf(CRLF);
    if (end < 0) return false;
    const line = pending.toString('latin1', 0, end);
    pending = pending.subarray(end + 2);
    if (answer.state === 'chunk-end') answer.state = 'chunk-size';
    else if (answer.state === 'trailer') {
      if (line === '') finish(answer.status);
    } else {
      answer.left = Number.parseInt(line, 16);
      answer.state = answer.left === 0 ? 'trailer' : 'chunk-data';
    }
    return true;
  }
  return connection;
}
