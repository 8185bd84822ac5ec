import type { ConverseStreamCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { childController } from '../chain/abort.js';
import type { Step } from '../chain/chain-request.js';
import type { Endpoint } from '../chain/endpoint.js';
import type { RequestClock } from '../chain/request-clock.js';
import { FirstTokenTimeoutError } from '../errors/first-token-timeout-error.js';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import type { StreamEventInfo } from './model-output.js';

/** The SDK's response metadata (status, request id). */
export type ResponseMetadata = ConverseStreamCommandOutput['$metadata'];

/** A stream whose first content has arrived: from here on it cannot fail over silently. */
export interface OpenedStream<E> {
  /** Events up to and including the first content event. */
  readonly head: readonly E[];
  readonly iterator: AsyncIterator<E>;
  /** Aborts the SDK call under the stream. */
  readonly controller: AbortController;
  /** The stream already ended while opening (an answer without content). */
  readonly ended: boolean;
  readonly metadata: ResponseMetadata;
  /** The SDK output's other members (InvokeModelWithResponseStream's `contentType`, ...). */
  readonly fields: Readonly<Record<string, unknown>>;
  /**
   * Ends the attempt for its breaker and bulkhead, which hold it until the stream ends: the
   * breaker counts a stream broken after content as a failure (with `error`), the bulkhead frees
   * its slot. The stream's owner calls it once the stream is over; later calls do nothing.
   */
  finish(error?: unknown): void;
  /** Settles when the stream ends; rejects with the error that broke it after content. */
  readonly finished: Promise<void>;
}

/** How to start one stream on an endpoint. */
export type SendStream<E> = (
  endpoint: Endpoint,
  signal: AbortSignal,
) => Promise<{
  stream?: AsyncIterable<E> | undefined;
  $metadata: ResponseMetadata;
  fields?: Readonly<Record<string, unknown>>;
}>;

/**
 * The runner step of a streaming operation: an attempt succeeds when its first content event
 * arrives, so HTTP errors, exceptions sent before content and a slow first token all fail over.
 * The first-token timeout (capped by the deadline) replaces the attempt timeout.
 */
export function streamStep<E>(
  send: SendStream<E>,
  info: (event: E) => StreamEventInfo,
  clock: RequestClock,
): Step<OpenedStream<E>> {
  return {
    keepAttemptOpen: true,
    timeoutMs: () => undefined,
    describe: () => ({}),
    holdUntil: (opened) => opened.finished,
    discard(opened) {
      opened.controller.abort();
      opened.finish();
    },
    async call(endpoint, signal) {
      const { controller, unlink } = childController(signal);
      const timeoutMs = endpoint.policy.timeouts.firstTokenMs;
      let timedOut = false;
      // When the deadline comes first, its own abort ends the attempt: a second timer due at the
      // same moment could fire first and turn DeadlineExceededError into a failover.
      const timer =
        timeoutMs < clock.remainingMs()
          ? setTimeout(() => {
              timedOut = true;
              controller.abort(new FirstTokenTimeoutError(timeoutMs));
            }, timeoutMs)
          : undefined;
      try {
        const response = await send(endpoint, controller.signal);
        if (!response.stream) throw new IncompleteStreamError();
        const iterator = response.stream[Symbol.asyncIterator]();
        const head: E[] = [];
        let ended = false;
        let stopped = false;
        for (;;) {
          const next = await iterator.next();
          // Over HTTP/2 an aborted stream can end quietly instead of throwing.
          if (controller.signal.aborted) throw controller.signal.reason;
          if (next.done) {
            ended = true;
            break;
          }
          head.push(next.value);
          const event = info(next.value);
          stopped ||= event.stop;
          if (event.content) break;
        }
        if (ended && !stopped) throw new IncompleteStreamError();
        // Committed: the deadline no longer applies; the caller's signal and idle timeout do.
        unlink();
        let finish: (error?: unknown) => void = () => undefined;
        const finished = new Promise<void>((resolve, reject) => {
          finish = (error) => (error === undefined ? resolve() : reject(error));
        });
        // Awaited only when a breaker or bulkhead holds the attempt; never an unhandled rejection.
        finished.catch(() => undefined);
        const fields = response.fields ?? {};
        return { head, iterator, controller, ended, metadata: response.$metadata, fields, finish, finished };
      } catch (error) {
        controller.abort();
        unlink();
        if (timedOut) throw new FirstTokenTimeoutError(timeoutMs);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
