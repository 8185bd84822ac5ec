import type { ConverseStreamCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { childController } from '../chain/abort.js';
import type { AttemptFields, AttemptReport, HeldAttempt, Step } from '../chain/chain-request.js';
import type { Endpoint } from '../chain/endpoint.js';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import { StreamIdleTimeoutError } from '../errors/stream-idle-timeout-error.js';
import type { StreamEventInfo } from './model-output.js';

/** The SDK's response metadata (status, request id). */
export type ResponseMetadata = ConverseStreamCommandOutput['$metadata'];

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
 * A stream whose first content has arrived: from here on it cannot fail over silently. It owns
 * what its attempt holds until the stream ends: the attempt's record, the endpoint's breaker and
 * bulkhead (which keep the attempt), the SDK call under it, and the idle timer between events.
 */
export class StreamLease<E> {
  constructor(
    readonly endpoint: Endpoint,
    /** Events up to and including the first content event. */
    readonly head: readonly E[],
    private readonly iterator: AsyncIterator<E>,
    /** Aborts the SDK call under the stream. */
    readonly controller: AbortController,
    /** The stream already ended while opening (an answer without content). */
    readonly ended: boolean,
    readonly metadata: ResponseMetadata,
    /** The SDK output's other members (InvokeModelWithResponseStream's `contentType`, ...). */
    readonly fields: Readonly<Record<string, unknown>>,
    private readonly attempt: HeldAttempt,
  ) {}

  // One idle timer for the whole stream, re-armed (`refresh`) at each `next()` rather than a timer
  // and a promise race per event (issue 20). When it fires while nobody waits for an event, the
  // consumer is the slow one, not the endpoint: ignored, and re-armed by the next `next()`.
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private waiting: ((reason: unknown) => void) | undefined;

  /**
   * The stream's next event; after `timeouts.idleMs` of silence, aborts the call and rejects with
   * {@link StreamIdleTimeoutError} (at once, even if the call does not honour the abort).
   */
  next(): Promise<IteratorResult<E>> {
    const idleMs = this.endpoint.policy.timeouts.idleMs;
    if (this.idleTimer) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(() => this.idle(idleMs), idleMs);
    return new Promise((resolve, reject) => {
      this.waiting = reject;
      const settled = () => {
        if (this.waiting === reject) this.waiting = undefined;
      };
      this.iterator.next().then(
        (next) => {
          settled();
          if (next.done) this.stopIdleTimer();
          // Over HTTP/2 an aborted stream can end quietly instead of throwing.
          if (this.controller.signal.aborted) reject(this.controller.signal.reason);
          else resolve(next);
        },
        (error: unknown) => {
          settled();
          this.stopIdleTimer();
          reject(error);
        },
      );
    });
  }

  private idle(idleMs: number): void {
    const reject = this.waiting;
    if (!reject) return;
    this.waiting = undefined;
    this.controller.abort();
    reject(new StreamIdleTimeoutError(idleMs));
  }

  private stopIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /**
   * Ends the stream's attempt: records how it ended, aborts the call, and lets the breaker and
   * bulkhead go; the breaker counts `brokenBy` (a stream broken after content) as a failure. Only
   * the first call counts.
   */
  end(fields: AttemptFields, report?: AttemptReport, brokenBy?: unknown): void {
    this.stopIdleTimer();
    this.attempt.end(fields, report, brokenBy);
  }

  /** Settles (never rejects) once the endpoint's breaker and bulkhead have let go of the stream. */
  get released(): Promise<void> {
    return this.attempt.released;
  }
}

/**
 * The runner step of a streaming operation: an attempt succeeds when its first content event
 * arrives, so HTTP errors, exceptions sent before content and a slow first token (the endpoint's
 * `firstTokenMs`) all fail over. The attempt then stays open, held by the stream's lease.
 */
export function streamStep<E>(
  send: SendStream<E>,
  info: (event: E) => StreamEventInfo,
): Step<StreamLease<E>> {
  return {
    timeout: 'firstTokenMs',
    describe: () => ({}),
    async call(endpoint, attempt) {
      const { controller, unlink } = childController(attempt.signal);
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
        // Committed: the deadline and timeout no longer apply; the caller's signal and idle timeout do.
        unlink();
        const held = attempt.hold(() => controller.abort());
        const { $metadata, fields = {} } = response;
        return new StreamLease(endpoint, head, iterator, controller, ended, $metadata, fields, held);
      } catch (error) {
        controller.abort();
        unlink();
        throw error;
      }
    },
  };
}
