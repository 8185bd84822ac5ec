import { Writable } from 'node:stream';
import type { AwsLambdaRuntime, HttpResponseStreamPrelude, ResponseStream } from '../src/index.js';

// A stand-in for the Lambda Node.js runtime's `awslambda` global, after its documented contract
// and aws-lambda-nodejs-runtime-interface-client (src/stream/http-response-stream.ts and
// response-stream.ts): `streamifyResponse` marks the handler; `HttpResponseStream.from` sets the
// integration content type and, on the stream's first write, writes the JSON prelude and then
// 8 null bytes; each write() is its own chunk on the wire. This is the runtime's API, not ours.

const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER_LENGTH = 8;
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

/** One chunk as it went out, and when. */
export interface RecordedWrite {
  readonly bytes: Buffer;
  readonly at: number;
}

/**
 * The runtime's response stream: a Writable with `setContentType`, whose first write() first runs
 * the hook `HttpResponseStream.from` installs (the prelude and the delimiter).
 */
export class LambdaResponseStream extends Writable implements ResponseStream {
  contentType = 'application/octet-stream';
  /** The runtime's hook, set by HttpResponseStream.from. */
  _onBeforeFirstWrite: ((write: (chunk: string | Uint8Array) => boolean) => void) | undefined;
  private written = false;

  setContentType(contentType: string): void {
    if (this.written) throw new Error('Cannot set content-type, too late.');
    this.contentType = contentType;
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    if (!this.written && typeof this._onBeforeFirstWrite === 'function')
      this._onBeforeFirstWrite((first) => this.writeChunk(first));
    this.written = true;
    return this.writeChunk(chunk, ...rest);
  }

  /** One chunk on the wire. */
  protected writeChunk(chunk: unknown, ...rest: unknown[]): boolean {
    return (super.write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }
}

/** A response stream that records each write; `hold()` stops it from taking more (backpressure). */
export class RecordingResponseStream extends LambdaResponseStream {
  readonly writes: RecordedWrite[] = [];
  private held: (() => void)[] | undefined;

  constructor(highWaterMark = 16 * 1024) {
    super({ highWaterMark });
  }

  // Recorded as written, before the Writable buffers it: what the handler hands the runtime.
  protected override writeChunk(chunk: unknown, ...rest: unknown[]): boolean {
    this.writes.push({ bytes: Buffer.from(chunk as Uint8Array), at: performance.now() });
    return super.writeChunk(chunk, ...rest);
  }

  override _write(_chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.held) this.held.push(() => callback());
    else callback();
  }

  /** Stops acknowledging writes until `release()`, as a slow client would. */
  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const callback of held) callback();
  }

  /** The prelude, the delimiter's check, and the body chunks, as a Function URL would split them. */
  parse(): { prelude: HttpResponseStreamPrelude; delimiter: boolean; body: Buffer[] } {
    const [prelude, delimiter, ...body] = this.writes;
    if (!prelude || !delimiter) throw new Error('no prelude was written');
    return {
      prelude: JSON.parse(prelude.bytes.toString('utf8')),
      delimiter: delimiter.bytes.length === DELIMITER_LENGTH && delimiter.bytes.every((byte) => byte === 0),
      body: body.map((write) => write.bytes),
    };
  }
}

/** The emulated `awslambda` global. */
export const lambdaRuntime: AwsLambdaRuntime = {
  streamifyResponse(handler) {
    Object.defineProperty(handler, STREAMING, { value: 'response' });
    return handler;
  },
  HttpResponseStream: {
    from(stream, prelude) {
      stream.setContentType(PRELUDE_CONTENT_TYPE);
      const metadata = JSON.stringify(prelude);
      (stream as LambdaResponseStream)._onBeforeFirstWrite = (write) => {
        write(metadata);
        write(new Uint8Array(DELIMITER_LENGTH));
      };
      return stream;
    },
  },
};

/** True when a handler was marked by `streamifyResponse`. */
export function isStreamingHandler(handler: object): boolean {
  return (handler as Record<symbol, unknown>)[STREAMING] === 'response';
}
