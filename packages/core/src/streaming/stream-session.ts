import { follow } from '../chain/abort.js';
import { endOpenAttempt } from '../chain/attempt.js';
import type { EndpointAnswer, RunnerContext, RunnerRequest, Step } from '../chain/chain-request.js';
import { type Endpoint, type EndpointRef, endpointRef } from '../chain/endpoint.js';
import type { RequestClock } from '../chain/request-clock.js';
import { runChain } from '../chain/run-chain.js';
import type { Attempt } from '../errors/attempt.js';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import { StreamIdleTimeoutError } from '../errors/stream-idle-timeout-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { Usage } from '../telemetry/instrumentation.js';
import type { StreamEventInfo } from './model-output.js';
import type { OpenedStream } from './stream-attempt.js';

/** How an interrupted answer continues on another endpoint (ConverseStream's resume mode). */
export interface Resumption<E> {
  /** The step that asks for the rest of an answer of which `delivered` has reached the caller. */
  step(delivered: string): Step<OpenedStream<E>>;
  /** A fresh clock for the continuation's own failover phase. */
  clock(): RequestClock;
  /**
   * Rewrites the continuation's events so the caller sees one answer: drops its message start and
   * the white space that `delivered` already ended with. Returns `undefined` to drop an event.
   */
  filter(delivered: string): (event: E) => E | undefined;
}

/** What a stream session starts from: a request whose first content has arrived. */
export interface StreamSessionInit<E> {
  readonly context: RunnerContext;
  readonly request: RunnerRequest;
  readonly served: EndpointAnswer<OpenedStream<E>>;
  readonly order: readonly Endpoint[];
  readonly info: (event: E) => StreamEventInfo;
  readonly caller: AbortSignal | undefined;
  readonly resume: Resumption<E> | undefined;
}

/**
 * Delivers a committed stream to its caller: relays events with an idle timeout, and when the
 * stream breaks after content, either continues on the next endpoint (resume mode) or ends with a
 * {@link StreamInterruptedError} carrying the text delivered so far. Never re-sends text.
 */
export class StreamSession<E> {
  private current: EndpointAnswer<OpenedStream<E>>;
  private order: readonly Endpoint[];
  private delivered = '';
  private toolUse = false;
  private usage: Usage = {};
  private finishReasons: string[] = [];

  constructor(private readonly init: StreamSessionInit<E>) {
    this.current = init.served;
    this.order = init.order;
  }

  /** The endpoint serving the stream now (it changes when the stream resumes elsewhere). */
  get servedBy(): EndpointRef {
    return endpointRef(this.current.endpoint);
  }

  /** The events, once. Breaking out of the loop aborts the call under it. */
  async *events(): AsyncGenerator<E, void, undefined> {
    const { request, caller } = this.init;
    let failure: unknown;
    let filter: ((event: E) => E | undefined) | undefined;
    try {
      for (;;) {
        const served = this.current;
        const opened = served.value;
        const unfollowCaller = follow(caller, opened.controller);
        let reported = false;
        let stopped = false;
        try {
          // A signal that aborted before the loop began fires no event: without this check the
          // whole answer would still be read and delivered.
          if (caller?.aborted) throw caller.reason;
          for (const event of opened.head) {
            const relayed = this.relay(event, filter);
            if (relayed !== undefined) yield relayed;
          }
          stopped = opened.head.some((event) => this.init.info(event).stop);
          while (!opened.ended) {
            const next = await nextWithin(opened, this.current.endpoint.policy.timeouts.idleMs);
            if (opened.controller.signal.aborted) throw opened.controller.signal.reason;
            if (next.done) {
              if (!stopped) throw new IncompleteStreamError();
              break;
            }
            stopped ||= this.init.info(next.value).stop;
            const relayed = this.relay(next.value, filter);
            if (relayed !== undefined) yield relayed;
          }
          reported = true;
          this.endAttempt('success');
          return;
        } catch (error) {
          reported = true;
          if (caller?.aborted) {
            this.endAttempt('failure', caller.reason, { reason: 'cancelled' });
            throw caller.reason;
          }
          const verdict = this.init.context.classify(error, this.current.endpoint);
          this.endAttempt('failure', error, verdict);
          // After the message's stop the answer is whole and only trailing metadata is lost:
          // resuming would send a second end of message, and an error would discard the answer.
          if (stopped) return;
          // Let go of the broken call before looking for the next endpoint, not after.
          opened.controller.abort();
          // Counted by the breaker: a region that cuts every stream after content must open it.
          opened.finish(error);
          const next = await this.resumeAfter(error, verdict.reason);
          this.current = next;
          filter = this.init.resume?.filter(this.delivered);
        } finally {
          unfollowCaller();
          opened.controller.abort();
          opened.finish();
          // The caller broke out of its loop: nothing failed, it has what it wanted. Without this
          // the attempt would never be reported and its telemetry span never ended.
          if (!reported) this.endAttempt('success');
          // The bulkhead frees the endpoint's slot a few microtasks after finish(); wait for it,
          // so a caller that breaks out of its loop can start another stream here at once.
          await served.released;
        }
      }
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      const { attempts } = request;
      if (failure === undefined)
        request.scope.end({
          outcome: 'success',
          servedBy: this.servedBy,
          attempts,
          usage: this.usage,
          finishReasons: this.finishReasons,
          outputText: this.delivered,
        });
      else request.scope.end({ outcome: 'failure', error: failure, attempts });
    }
  }

  private relay(event: E, filter: ((event: E) => E | undefined) | undefined): E | undefined {
    const relayed = filter ? filter(event) : event;
    if (relayed === undefined) return undefined;
    const info = this.init.info(relayed);
    if (info.content && info.text === undefined) this.toolUse = true;
    if (info.text) this.delivered += info.text;
    // Later reports of a field supersede earlier ones (Anthropic repeats its counts at message_stop).
    if (info.usage?.inputTokens !== undefined)
      this.usage = { ...this.usage, inputTokens: info.usage.inputTokens };
    if (info.usage?.outputTokens !== undefined)
      this.usage = { ...this.usage, outputTokens: info.usage.outputTokens };
    if (info.usage?.cacheReadInputTokens !== undefined)
      this.usage = { ...this.usage, cacheReadInputTokens: info.usage.cacheReadInputTokens };
    if (info.usage?.cacheWriteInputTokens !== undefined)
      this.usage = { ...this.usage, cacheWriteInputTokens: info.usage.cacheWriteInputTokens };
    if (info.finishReason) this.finishReasons = [info.finishReason];
    return relayed;
  }

  /** Starts the rest of the answer on the next endpoints, or throws the interruption. */
  private async resumeAfter(
    error: unknown,
    reason: Attempt['reason'],
  ): Promise<EndpointAnswer<OpenedStream<E>>> {
    const { context, request, resume } = this.init;
    const from = this.current.endpoint;
    const remaining = this.order.slice(this.current.index + 1);
    const interrupted = (cause: unknown) =>
      new StreamInterruptedError(
        context.chain,
        this.delivered,
        endpointRef(from),
        [...request.attempts],
        cause,
      );
    // Only text can be continued: a half-sent tool call cannot be stitched together.
    if (!resume || remaining.length === 0 || this.toolUse || this.delivered.trim() === '')
      throw interrupted(error);
    context.events.failover.emit({
      chain: context.chain,
      from: endpointRef(from),
      to: endpointRef(remaining[0]!),
      reason: reason ?? 'unknown',
      resumed: true,
    });
    const clock = resume.clock();
    try {
      const served = await runChain(context, { ...request, clock }, remaining, resume.step(this.delivered));
      this.order = remaining;
      return served;
    } catch (cause) {
      // A caller who gave up gets its own reason back, as it does before the first content.
      if (this.init.caller?.aborted) throw this.init.caller.reason;
      throw interrupted(cause);
    } finally {
      clock.dispose();
    }
  }

  private endAttempt(
    outcome: 'success' | 'failure',
    error?: unknown,
    verdict?: Pick<Attempt, 'errorClass' | 'reason'>,
  ): void {
    const { context, request } = this.init;
    if (outcome === 'success')
      endOpenAttempt(
        context,
        request,
        this.current,
        { outcome },
        {
          usage: this.usage,
          finishReasons: this.finishReasons,
          requestId: this.current.value.metadata.requestId,
        },
      );
    else endOpenAttempt(context, request, this.current, { outcome, ...verdict }, { error });
  }
}

/** The stream's next event, or a {@link StreamIdleTimeoutError} (and an aborted call) after `idleMs` of silence. */
async function nextWithin<E>(opened: OpenedStream<E>, idleMs: number): Promise<IteratorResult<E>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      opened.controller.abort();
      reject(new StreamIdleTimeoutError(idleMs));
    }, idleMs);
  });
  try {
    return await Promise.race([opened.iterator.next(), silence]);
  } finally {
    clearTimeout(timer);
  }
}
