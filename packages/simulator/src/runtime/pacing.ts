import { setTimeout as sleep } from 'node:timers/promises';
import type { Reply } from '../responder.js';
import type { Call } from './runtime-handler.js';

/** Waits as a model would before a complete (non-streaming) answer: first token, then every token. */
export async function paceCompleteAnswer(call: Call, reply: Reply): Promise<boolean> {
  const { firstTokenMs, tokensPerSecond } = call.target.behaviour;
  const ms = firstTokenMs + (tokensPerSecond > 0 ? (reply.outputTokens * 1000) / tokensPerSecond : 0);
  if (ms < 1) return true;
  try {
    await sleep(ms, undefined, { signal: call.exchange.signal });
    return true;
  } catch {
    return false;
  }
}
