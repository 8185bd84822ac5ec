/**
 * An upstream event stream the gateway can let go of at any time. The engine's streams release
 * their call only from inside their loop, so one never iterated is first stepped once (its first
 * event is already buffered, so no network wait) and then returned.
 */
export interface Upstream<E> {
  /** Pulls one upstream event. */
  next(): Promise<IteratorResult<E>>;
  /** Ends the upstream call, once; safe to call at any time. */
  release(): Promise<void>;
}

/** Wraps an engine stream so it can be released whether or not iteration began. */
export function upstreamOf<E>(stream: AsyncIterable<E>): Upstream<E> {
  const iterator = stream[Symbol.asyncIterator]();
  let started = false;
  let released: Promise<void> | undefined;
  return {
    next() {
      started = true;
      return iterator.next();
    },
    release() {
      released ??= (async () => {
        try {
          if (!started) await iterator.next();
          await iterator.return?.();
        } catch {
          // Releasing a stream that already failed has nothing left to free.
        }
      })();
      return released;
    },
  };
}

/** How a streaming body turns upstream events into the bytes it sends. */
export interface BodyEncoding<E> {
  /** Bytes sent before the first event (OpenAI's role chunk), if any. */
  readonly opening?: Uint8Array | undefined;
  /** One event's bytes; `undefined` sends nothing for it. May throw: then it counts as a failure. */
  event(event: E): Uint8Array | undefined;
  /** Bytes sent after the last event (OpenAI's `[DONE]`), if any. */
  readonly closing?: Uint8Array | undefined;
  /**
   * The bytes that report a failure and end the stream (an exception frame, an SSE error event).
   * The error is what the body's `onEnd` is then called with, for the log.
   */
  failure(error: unknown): Uint8Array;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A streaming response body: pulls one upstream event per `next()` as the adapter asks
 * (backpressure) and sends its bytes, releases `upstream` when the adapter calls `return()` or the
 * stream ends, and calls `onEnd` exactly once with the error the stream ended on, if any (a failure
 * is sent as `encoding.failure`'s bytes first). Written as one iterator over the upstream rather
 * than a generator per layer (issue 20): a pull costs one promise, not one per layer.
 */
export function streamBody<E>(
  upstream: Upstream<E>,
  encoding: BodyEncoding<E>,
  onEnd: (error?: unknown) => void,
): AsyncIterable<Uint8Array> {
  return new EncodedBody(upstream, encoding, onEnd);
}

/** Where an encoded body is: sending events, sent its last bytes (with the error, if it failed), ended. */
type Phase = 'events' | 'closed' | 'ended';

class EncodedBody<E> implements AsyncIterableIterator<Uint8Array> {
  private phase: Phase = 'events';
  private opened = false;
  /** The failure the last bytes reported, for `onEnd`. */
  private failed: unknown;

  constructor(
    private readonly upstream: Upstream<E>,
    private readonly encoding: BodyEncoding<E>,
    private readonly onEnd: (error?: unknown) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.phase === 'ended') return Promise.resolve(DONE);
    if (this.phase === 'closed') return this.finish(this.failed);
    if (!this.opened) {
      this.opened = true;
      const { opening } = this.encoding;
      if (opening) return Promise.resolve({ done: false, value: opening });
    }
    return this.pull();
  }

  /** The next event's bytes, skipping events that send nothing. */
  private pull(): Promise<IteratorResult<Uint8Array>> {
    return this.upstream.next().then(this.sent, this.broke);
  }

  private readonly sent = (
    next: IteratorResult<E>,
  ): IteratorResult<Uint8Array> | Promise<IteratorResult<Uint8Array>> => {
    // The adapter let go while this pull waited: its `return()` ends the body.
    if (this.phase !== 'events') return DONE;
    if (next.done) {
      this.phase = 'closed';
      const { closing } = this.encoding;
      return closing ? { done: false, value: closing } : this.finish(undefined);
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = this.encoding.event(next.value);
    } catch (error) {
      return this.broke(error);
    }
    return bytes === undefined ? this.pull() : { done: false, value: bytes };
  };

  private readonly broke = (
    error: unknown,
  ): IteratorResult<Uint8Array> | Promise<IteratorResult<Uint8Array>> => {
    if (this.phase !== 'events') return DONE;
    this.phase = 'closed';
    this.failed = error;
    try {
      return { done: false, value: this.encoding.failure(error) };
    } catch (failure) {
      return this.finish(failure).then(() => Promise.reject(failure));
    }
  };

  /** Releases the upstream, then ends the body with `error`. */
  private async finish(error: unknown): Promise<IteratorResult<Uint8Array>> {
    this.phase = 'ended';
    await this.upstream.release();
    this.onEnd(error);
    return DONE;
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    if (this.phase === 'ended') return DONE;
    this.phase = 'ended';
    // Releasing also settles a pull still waiting on the upstream instead of leaving it hanging.
    await this.upstream.release();
    this.onEnd(new ClientDisconnected());
    return DONE;
  }
}

/** The adapter stopped reading a stream before its end (the client went away). */
export class ClientDisconnected extends Error {
  override readonly name = 'ClientDisconnected';

  constructor() {
    super('The client stopped reading the stream before its end');
  }
}
