import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import http2 from 'node:http2';
import { type SimulatedError, validationError } from './errors.js';

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

/** The suffix Bedrock puts after the error name in `x-amzn-errortype`. */
const ERROR_TYPE_NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

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
  /** Resolves once the connection or stream carrying the response has closed. */
  private readonly closed: Promise<void>;
  /** Resolves once the last chunk written has been handed to the socket. */
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(
    private readonly request: AnyRequest,
    private readonly response: AnyResponse,
    /** The simulated region the request is addressed to. */
    readonly region: string,
  ) {
    const url = new URL(request.url ?? '/', 'http://simulator');
    this.method = request.method ?? 'GET';
    this.path = url.pathname;
    this.query = url.searchParams;
    this.headers = request.headers;
    this.protocol = request.httpVersionMajor === 2 ? 'h2' : 'http/1.1';
    this.signal = this.abort.signal;
    this.closed = new Promise((resolve) => {
      response.once('close', () => {
        if (!this.finished) this.abort.abort();
        resolve();
      });
    });
  }

  /** Whether the response has been ended or the connection dropped. */
  get done(): boolean {
    return this.finished || this.signal.aborted;
  }

  /** The status sent, or 0 when no response was sent (hang, reset, client gone). */
  get status(): number {
    return this.response.headersSent ? this.response.statusCode : 0;
  }

  /** Reads the whole request body (bounded by {@link MAX_BODY_BYTES}). */
  async body(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        throw validationError(
          `The request body exceeds the maximum of ${MAX_BODY_BYTES} bytes. Send a smaller input.`,
        );
      }
      chunks.push(chunk);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  /** Sends a complete response. */
  send(status: number, body: string | Uint8Array, headers: Record<string, string> = {}): void {
    if (this.done) return;
    // A stream already sent its 200 and some events: the only way left to fail it is to drop it.
    if (this.response.headersSent) {
      this.reset();
      return;
    }
    this.finished = true;
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    // Both kinds take (status, headers); @types/node 22's overloads make their union uncallable.
    (this.response as http.ServerResponse).writeHead(status, {
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

  /**
   * Sends a modelled error exactly as Bedrock does: its status, a JSON body, and the error type
   * header in the service's own form (`ThrottlingException:http://internal.amazon.com/coral/...`),
   * which SDKs cut at the first `:`.
   */
  error(error: SimulatedError): void {
    this.json(error.status, error.toBody(), { 'x-amzn-errortype': `${error.name}:${ERROR_TYPE_NAMESPACE}` });
  }

  /** Starts a streamed 200 response; frames follow through {@link write}. */
  startStream(headers: Record<string, string>): void {
    if (this.done) return;
    (this.response as http.ServerResponse).writeHead(200, { 'x-amzn-requestid': this.requestId, ...headers });
    // Send the headers now: the SDK returns from send() only after the first event arrives.
    if ('flushHeaders' in this.response) this.response.flushHeaders();
  }

  /** Writes one chunk of a streamed response, waiting for the client to drain it. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.done) return;
    let accepted = true;
    this.lastWrite = new Promise<void>((resolve) => {
      accepted = (this.response as http.ServerResponse).write(chunk, () => resolve());
    });
    if (accepted) return;
    await new Promise<void>((resolve) => {
      const settle = () => {
        this.response.off('drain', settle);
        resolve();
      };
      this.response.once('drain', settle);
      void this.closed.then(settle);
    });
  }

  /** Ends a streamed response cleanly. */
  end(): void {
    if (this.done) return;
    this.finished = true;
    this.response.end();
  }

  /**
   * Drops the request the way a failing network does; the client sees a connection error, never
   * a (complete) response. Before any response: HTTP/2 destroys the session (the SDK reports
   * "http2 request did not get a response" as a retryable TimeoutError), HTTP/1.1 destroys the
   * socket (ECONNRESET). Mid-stream: the events already written are delivered first, then
   * HTTP/2 resets the stream (ERR_HTTP2_STREAM_ERROR, NGHTTP2_INTERNAL_ERROR) and HTTP/1.1 closes
   * the socket before the final chunk (ECONNRESET "aborted").
   */
  reset(): void {
    if (this.done) return;
    this.finished = true;
    const response = this.response;
    if (!response.headersSent) {
      this.drop();
      return;
    }
    // Written frames may still sit in Node's buffers (HTTP/1.1 corks writes until the next tick,
    // nghttp2 queues DATA behind RST_STREAM): destroying now would lose them.
    void Promise.race([this.lastWrite, this.closed]).then(() => this.drop());
  }

  private drop(): void {
    const response = this.response;
    if (!('stream' in response)) {
      this.request.socket.destroy();
      return;
    }
    const { stream } = response;
    if (stream.destroyed) return;
    if (!response.headersSent) {
      stream.session?.destroy();
      return;
    }
    // Destroying the session right away would discard the RST_STREAM, and the client would see
    // the stream end cleanly, as if the answer were complete.
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR, () => stream.session?.destroy());
  }
}
