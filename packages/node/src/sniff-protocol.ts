import type net from 'node:net';

/** The first bytes of every HTTP/2 connection with prior knowledge (the client's preface). */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');

/**
 * Reads a new connection's first bytes and says which protocol it speaks: `http2` for the h2c
 * preface, `http1` for anything else. The bytes read are put back (`unshift`) and the socket is
 * left paused, so the server it is handed to reads them itself. Call once per socket.
 */
export function sniffProtocol(socket: net.Socket, onProtocol: (protocol: 'http1' | 'http2') => void): void {
  let head: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const compared = Math.min(head.length, HTTP2_PREFACE.length);
    const isHttp2 = head.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (isHttp2 && head.length < HTTP2_PREFACE.length) return; // wait for the whole preface
    socket.off('data', onData);
    socket.pause();
    socket.unshift(head);
    onProtocol(isHttp2 ? 'http2' : 'http1');
  };
  socket.on('data', onData);
}
