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

/**
 * A streaming response body: pulls `chunks` one at a time as the adapter asks (backpressure),
 * releases `upstream` when the adapter calls `return()` or the chunks end, and calls `onEnd`
 * exactly once with the error the stream ended on, if any (the chunks return it when they turned
 * it into an error frame).
 */
export function streamBody<E>(
  chunks: AsyncGenerator<Uint8Array, unknown, undefined>,
  upstream: Upstream<E>,
  onEnd: (error?: unknown) => void,
): AsyncIterable<Uint8Array> {
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    onEnd(error);
  };
  const iterator: AsyncIterableIterator<Uint8Array> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      if (ended) return { done: true, value: undefined };
      try {
        const result = await chunks.next();
        if (result.done) {
          await upstream.release();
          end(result.value);
          return { done: true, value: undefined };
        }
        return result;
      } catch (error) {
        await upstream.release();
        end(error);
        throw error;
      }
    },
    async return() {
      // Release first: a pull still waiting on the upstream then settles instead of hanging.
      const releasing = upstream.release();
      await chunks.return(undefined);
      await releasing;
      end(new ClientDisconnected());
      return { done: true, value: undefined };
    },
  };
  return iterator;
}

/** The adapter stopped reading a stream before its end (the client went away). */
export class ClientDisconnected extends Error {
  override readonly name = 'ClientDisconnected';

  constructor() {
    super('The client stopped reading the stream before its end');
  }
}
