import { setTimeout as sleep } from 'node:timers/promises';
import type { BedrockErrorName } from '../errors.js';
import { corruptFrame, eventFrame, exceptionFrame } from '../event-stream.js';
import type { Call, Outcome } from './runtime-handler.js';

/** One event of a stream; `content` events are paced at the model's tokens/second. */
export interface StreamEvent {
  type: string;
  payload: unknown;
  content?: boolean;
}

/** Headers every event-stream response carries. */
export const EVENT_STREAM_HEADERS = { 'content-type': 'application/vnd.amazon.eventstream' } as const;

/**
 * Writes events as a binary event stream, paced like a model: the first event after
 * `firstTokenMs`, then one content event per token at `tokensPerSecond`. Applies the plan's stream
 * faults: a stall before event N, and a cut (reset or clean end) or a modelled exception after N events.
 */
export async function writeEventStream(
  call: Call,
  events: readonly StreamEvent[],
  headers: Record<string, string>,
  options: { corruptAt?: number } = {},
): Promise<Outcome> {
  const { exchange, plan, target } = call;
  const { firstTokenMs, tokensPerSecond } = target.behaviour;
  const fault = plan.stream;
  exchange.startStream({ ...EVENT_STREAM_HEADERS, ...headers });
  const streamStart = performance.now();
  let tokens = 0;
  call.deliveredTokens = 0;
  // A stall shifts every later event: the stream pauses, it does not burst to catch up.
  let stalledMs = 0;
  try {
    for (let index = 0; index < events.length; index++) {
      if (fault && index === fault.afterEvents) return await breakStream(call, fault);
      if (plan.stall && index === plan.stall.afterEvents) stalledMs = plan.stall.ms;
      const event = events[index]!;
      // Deadline-based pacing: sleeping "until token i is due" does not drift.
      const dueAt =
        stalledMs +
        firstTokenMs +
        (tokensPerSecond > 0 && event.content ? (tokens * 1000) / tokensPerSecond : 0);
      const wait = dueAt - (performance.now() - streamStart);
      if (wait >= 1) await sleep(wait, undefined, { signal: exchange.signal });
      if (event.content) tokens += 1;
      const frame =
        options.corruptAt === index
          ? corruptFrame(event.type, event.payload)
          : eventFrame(event.type, event.payload);
      await exchange.write(frame);
      call.deliveredTokens = tokens;
      if (exchange.signal.aborted) return 'aborted';
    }
    if (fault && fault.afterEvents >= events.length) return await breakStream(call, fault);
  } catch (error) {
    if (exchange.signal.aborted) return 'aborted';
    throw error;
  }
  exchange.end();
  return options.corruptAt === undefined ? 'success' : 'malformed';
}

async function breakStream(call: Call, fault: NonNullable<Call['plan']['stream']>): Promise<Outcome> {
  if (fault.type === 'stream-cut') {
    if (fault.mode === 'end') call.exchange.end();
    else call.exchange.reset();
    return 'stream-cut';
  }
  const name = fault.error as BedrockErrorName;
  await call.exchange.write(exceptionFrame(name, fault.message ?? defaultStreamMessage(name)));
  call.exchange.end();
  return name;
}

function defaultStreamMessage(name: BedrockErrorName): string {
  return name === 'ModelStreamErrorException'
    ? 'The model stream was interrupted. Try your request again.'
    : `${name} raised while streaming.`;
}
