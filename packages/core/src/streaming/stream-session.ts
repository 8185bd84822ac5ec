import type { EndpointAnswer, RunnerContext, RunnerRequest, Step } from '../chain/chain-request.js';
import { type Endpoint, type EndpointRef, endpointRef } from '../chain/endpoint.js';
import type { RequestClock } from '../chain/request-clock.js';
import { runChain } from '../chain/run-chain.js';
import type { Attempt } from '../errors/attempt.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { StreamEventInfo } from './model-output.js';
import type { StreamLease } from './stream-lease.js';
import { DeliveredAnswer, relayLease } from './stream-relay.js';

/** How an interrupted answer continues on another endpoint (ConverseStream's resume mode). */
export interface Resumption<E> {
  /** The step that asks for the rest of an answer of which `delivered` has reached the caller. */
  step(delivered: string): Step<StreamLease<E>>;
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
  readonly first: EndpointAnswer<StreamLease<E>>;
  readonly order: readonly Endpoint[];
  readonly info: (event: E) => StreamEventInfo;
  readonly caller: AbortSignal | undefined;
  readonly resume: Resumption<E> | undefined;
}

/**
 * Delivers a committed stream to its caller, one lease at a time: when a stream breaks after
 * content, either continues on the next endpoint (resume mode) or ends with a
 * {@link StreamInterruptedError} carrying the text delivered so far. Never re-sends text.
 */
export class StreamSession<E> {
  private current: EndpointAnswer<StreamLease<E>>;
  private order: readonly Endpoint[];
  private readonly answer: DeliveredAnswer<E>;

  constructor(private readonly init: StreamSessionInit<E>) {
    this.current = init.first;
    this.order = init.order;
    this.answer = new DeliveredAnswer(init.info);
  }

  /** The endpoint serving the stream now (it changes when the stream resumes elsewhere). */
  get servedBy(): EndpointRef {
    return endpointRef(this.current.endpoint);
  }

  /** The events, once. Breaking out of the loop aborts the call under it. */
  async *events(): AsyncGenerator<E, void, undefined> {
    const { context, request, caller, resume } = this.init;
    const { answer } = this;
    let failure: unknown;
    let filter: ((event: E) => E | undefined) | undefined;
    try {
      for (;;) {
        const { endpoint } = this.current;
        const classify = (error: unknown) => context.classify(error, endpoint);
        const end = yield* relayLease(this.current.value, { answer, caller, classify, filter });
        if (end.over) return;
        this.current = await this.resumeAfter(end.error, end.reason);
        filter = resume?.filter(answer.text);
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
          usage: answer.usage,
          finishReasons: answer.finishReasons,
          outputText: answer.text,
        });
      else request.scope.end({ outcome: 'failure', error: failure, attempts });
    }
  }

  /** Starts the rest of the answer on the next endpoints, or throws the interruption. */
  private async resumeAfter(
    error: unknown,
    reason: Attempt['reason'],
  ): Promise<EndpointAnswer<StreamLease<E>>> {
    const { context, request, resume, caller } = this.init;
    const from = endpointRef(this.current.endpoint);
    const remaining = this.order.slice(this.current.index + 1);
    const delivered = this.answer.text;
    const interrupted = (cause: unknown) =>
      new StreamInterruptedError(context.chain, delivered, from, [...request.attempts], cause);
    // Only text can be continued: a half-sent tool call cannot be stitched together.
    if (!resume || remaining.length === 0 || this.answer.toolUse || delivered.trim() === '')
      throw interrupted(error);
    context.events.failover.emit({
      chain: context.chain,
      from,
      to: endpointRef(remaining[0]!),
      reason: reason ?? 'unknown',
      resumed: true,
    });
    // The continuation's own clock, disposed once it has its first content (or failed): the
    // stream it opens no longer follows the deadline.
    const clock = resume.clock();
    try {
      const next = await runChain(context, { ...request, clock }, remaining, resume.step(delivered));
      this.order = remaining;
      return next;
    } catch (cause) {
      // A caller who gave up gets its own reason back, as it does before the first content.
      if (caller?.aborted) throw caller.reason;
      throw interrupted(cause);
    } finally {
      clock.dispose();
    }
  }
}
