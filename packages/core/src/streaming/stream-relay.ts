import { follow } from '../chain/abort.js';
import type { Attempt } from '../errors/attempt.js';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import type { Classification } from '../policies/error-classification.js';
import type { Usage } from '../telemetry/instrumentation.js';
import type { StreamEventInfo } from './model-output.js';
import type { StreamLease } from './stream-lease.js';

/** What the caller has been given of one answer, across every lease that served part of it. */
export class DeliveredAnswer<E> {
  /** The text delivered so far. */
  text = '';
  /** A tool call was delivered (it cannot be resumed elsewhere). */
  toolUse = false;
  usage: Usage = {};
  finishReasons: string[] = [];

  constructor(readonly info: (event: E) => StreamEventInfo) {}

  /**
   * Passes `event` (whose info is `read`) through `filter` (if any) and notes what the caller gets;
   * `undefined` drops it. Reads a filtered event again only when the filter rewrote it.
   */
  deliver(event: E, read: StreamEventInfo, filter: ((event: E) => E | undefined) | undefined): E | undefined {
    const relayed = filter ? filter(event) : event;
    if (relayed === undefined) return undefined;
    const info = relayed === event ? read : this.info(relayed);
    if (info.content && info.text === undefined) this.toolUse = true;
    if (info.text) this.text += info.text;
    if (info.usage) this.noteUsage(info.usage);
    if (info.finishReason) this.finishReasons = [info.finishReason];
    return relayed;
  }

  /** Later reports of a field supersede earlier ones (Anthropic repeats its counts at message_stop). */
  private noteUsage(reported: Usage): void {
    const { inputTokens, outputTokens, cacheReadInputTokens, cacheWriteInputTokens } = reported;
    this.usage = {
      ...this.usage,
      ...(inputTokens !== undefined && { inputTokens }),
      ...(outputTokens !== undefined && { outputTokens }),
      ...(cacheReadInputTokens !== undefined && { cacheReadInputTokens }),
      ...(cacheWriteInputTokens !== undefined && { cacheWriteInputTokens }),
    };
  }
}

/** How relaying one lease ended: the answer is over, or the stream broke before its end. */
export type RelayEnd =
  | { readonly over: true }
  | { readonly over: false; readonly error: unknown; readonly reason: Attempt['reason'] };

/** What relaying one lease needs besides the lease. */
export interface RelayOptions<E> {
  readonly answer: DeliveredAnswer<E>;
  /** The caller's signal: its abort ends the stream with the caller's own reason. */
  readonly caller: AbortSignal | undefined;
  readonly classify: (error: unknown) => Classification;
  /** Rewrites a continuation's events (resume mode); `undefined` for the first lease. */
  readonly filter: ((event: E) => E | undefined) | undefined;
}

/**
 * Relays one lease's events to the caller, idle timeout included, and ends the lease's attempt
 * however the relay ends: the stream's end, its break (counted by the breaker, unless the answer
 * was already whole), the caller's abort, or the caller breaking out of its loop.
 */
export async function* relayLease<E>(
  lease: StreamLease<E>,
  { answer, caller, classify, filter }: RelayOptions<E>,
): AsyncGenerator<E, RelayEnd, undefined> {
  const unfollowCaller = follow(caller, lease.controller);
  let stopped = false;
  try {
    // A signal that aborted before the loop began fires no event: without this check the whole
    // answer would still be read and delivered.
    if (caller?.aborted) throw caller.reason;
    for (const event of lease.head) {
      const read = answer.info(event);
      stopped ||= read.stop;
      const relayed = answer.deliver(event, read, filter);
      if (relayed !== undefined) yield relayed;
    }
    while (!lease.ended) {
      const next = await lease.next();
      if (next.done) {
        if (!stopped) throw new IncompleteStreamError();
        break;
      }
      // One read per event: what it says about the stream's end, and what the caller is given.
      const read = answer.info(next.value);
      stopped ||= read.stop;
      const relayed = answer.deliver(next.value, read, filter);
      if (relayed !== undefined) yield relayed;
    }
    return { over: true };
  } catch (error) {
    if (caller?.aborted) {
      lease.end({ outcome: 'failure', reason: 'cancelled' }, { error: caller.reason });
      throw caller.reason;
    }
    const verdict = classify(error);
    // After the message's stop the answer is whole and only trailing metadata is lost: resuming
    // would send a second end of message, and an error would discard the answer. Otherwise the
    // breaker counts it: a region that cuts every stream after content must open it.
    lease.end({ outcome: 'failure', ...verdict }, { error }, stopped ? undefined : error);
    return stopped ? { over: true } : { over: false, error, reason: verdict.reason };
  } finally {
    unfollowCaller();
    // Ended already unless the stream is over or the caller broke out of its loop (nothing failed,
    // it has what it wanted): without this the attempt's telemetry span would never end.
    const { usage, finishReasons } = answer;
    lease.end({ outcome: 'success' }, { usage, finishReasons, requestId: lease.metadata.requestId });
    // The bulkhead frees the endpoint's slot a few microtasks after the lease ends; wait for it,
    // so a caller that breaks out of its loop can start another stream here at once.
    await lease.released;
  }
}
