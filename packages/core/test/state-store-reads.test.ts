import { describe, expect, it } from 'vitest';
import { MemoryStateStore, type StateStore } from '../src/index.js';
import { HAIKU, harness, TOKYO_PROMPT, userMessage } from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });

/**
 * A stand-in for a networked store (the external dependency): a real in-memory store whose every
 * call answers through a promise a few milliseconds later, as Redis would; it notes how many
 * `readBreaker` calls were waiting for their answer when each one began.
 */
function networkedStore() {
  const inner = new MemoryStateStore();
  let waiting = 0;
  const waitingAtStart: number[] = [];
  const answers = new Set<Promise<unknown>>();
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const answer = value.apply(target, args);
        if (property === 'readBreaker') waitingAtStart.push(waiting++);
        const answered = new Promise((resolve) =>
          setTimeout(() => {
            if (property === 'readBreaker') waiting--;
            resolve(answer);
          }, 5),
        );
        answers.add(answered);
        return answered;
      };
    },
  }) as StateStore;
  /** Waits for every call made so far, those nobody awaits (counters, refills) included. */
  const idle = async () => {
    await Promise.all(answers);
    await new Promise(setImmediate);
  };
  return { store, waitingAtStart, idle };
}

describe('reads from a networked state store', () => {
  it('reads an endpoint’s daily-quota parking and its breaker together, so they share one round trip', async () => {
    const sim = await simulator();
    const { store, waitingAtStart, idle } = networkedStore();
    const ha = engine(
      sim,
      {
        // A bound far above the store's 5 ms: every read is answered by the store.
        state: { timeoutMs: 10_000 },
        chains: { haiku: { endpoints: [{ id: 'primary', region: 'us-east-1', modelId: HAIKU }] } },
      },
      { stateStore: store },
    );
    const result = await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    expect(result.servedBy.endpointId).toBe('primary');
    // The parking record's read, then the breaker record's, started while the first is pending.
    expect(waitingAtStart).toEqual([0, 1]);
    await idle();
  });
});
