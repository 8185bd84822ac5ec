import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import http2 from 'node:http2';
import type { SimulatedError } from './errors.js';

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

/** Largest request body the simulator reads; Bedrock's own limit is in this range. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

/**
 * One request and its response, the same for HTTP/1.1 and HTTP/2: the rest of the simulator
 * never sees which protocol carried it.
 */
export class Exchange {
  readonly requestId = randomUUID();
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly protocol: 'http/1.1' | 'h2';
  /** Aborted when the client goes away before the response has ended. */
  readonly signal: AbortSignal;
  private readonly abort = new AbortController();
  private finished = false;

  constructor(
    private readonly request: AnyRequest,
    private readonly response: AnyResponse,
  ) {
    const url = new URL(request.url ?? '/', 'http://simulator');
    this.method = request.method ?? 'GET';
    this.path = url.pathname;
    this.query = url.searchParams;
    this.headers = request.headers;
    this.protocol = request.httpVersionMajor === 2 ? 'h2' : 'http/1.1';
    this.signal = this.abort.signal;
    response.on('close', () => {
      if (!this.finished) this.abort.abort();
    });
  }

  /** Whether the response has been ended or the connection dropped. */
  get done(): boolean {
    return this.finished || this.signal.aborted;
  }

  /** Reads the whole request body (bounded by {@link MAX_BODY_BYTES}). */
  async body(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw new RangeError(`request body exceeds ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  /** Sends a complete response. */
  send(status: number, body: string | Uint8Array, headers: Record<string, string> = {}): void {
    if (this.done) return;
    this.finished = true;
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    this.response.writeHead(status, {
      'x-amzn-requestid': this.requestId,
      'content-length': String(payload.byteLength),
      ...headers,
    });
    this.response.end(payload);
  }

  /** Sends a JSON response. */
  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.send(status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  }

  /** Sends a modelled error exactly as Bedrock does (status, `x-amzn-errortype`, JSON body). */
  error(error: SimulatedError): void {
    this.json(error.status, error.toBody(), { 'x-amzn-errortype': error.name });
  }

  /** Starts a streamed 200 response; frames follow through {@link write}. */
  startStream(headers: Record<string, string>): void {
    if (this.done) return;
    this.response.writeHead(200, { 'x-amzn-requestid': this.requestId, ...headers });
    // Send the headers now: the SDK returns from send() only after the first event arrives.
    if ('flushHeaders' in this.response) this.response.flushHeaders();
  }

  /** Writes one chunk of a streamed response, waiting for the client to drain it. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.done) return;
    if ((this.response as http.ServerResponse).write(chunk)) return;
    await new Promise<void>((resolve) => {
      const settle = () => {
        this.response.off('drain', settle);
        this.response.off('close', settle);
        resolve();
      };
      this.response.once('drain', settle);
      this.response.once('close', settle);
    });
  }

  /** Ends a streamed response cleanly. */
  end(): void {
    if (this.done) return;
    this.finished = true;
    this.response.end();
  }

  /**
   * Drops the request the way a failing network does: HTTP/2 resets the stream, HTTP/1.1
   * destroys the socket. The client sees a connection error, never a response.
   */
  reset(): void {
    if (this.done) return;
    this.finished = true;
    if ('stream' in this.response) {
      this.response.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      this.response.stream.session?.destroy();
    } else {
      this.request.socket.destroy();
    }
  }
}
