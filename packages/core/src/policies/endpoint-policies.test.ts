import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../config/resolve-config.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { EventHub } from '../telemetry/events.js';
import { EndpointState } from './endpoint-policies.js';
import { classifyError } from './error-classification.js';

/** One endpoint whose breaker opens after two failures and half-opens 1 s later, then 2 s. */
function endpointState() {
  const config = resolveConfig({
    chains: {
      haiku: {
        endpoints: [{ region: 'us-east-1', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }],
        policy: {
          breaker: { mode: 'consecutive', failures: 2, halfOpenAfterMs: 1_000, maxHalfOpenAfterMs: 2_000 },
          timeouts: { attemptMs: 3_000 },
        },
      },
    },
  });
  const endpoint = config.chains.get('haiku')!.endpoints[0]!;
  const events = new EventHub();
  const changes: string[] = [];
  events.api.onBreakerStateChange((change) => changes.push(change.state));
  const state = new EndpointState(
    endpoint,
    (error) => classifyError(error),
    false,
    events,
    new MemoryStateStore(),
  );
  return { state, changes };
}

const unavailable = Object.assign(new Error('down'), { name: 'ServiceUnavailableException' });
const fail = (state: EndpointState) =>
  state.breaker!.execute(() => Promise.reject(unavailable)).catch(() => undefined);
const succeed = (state: EndpointState) => state.breaker!.execute(() => Promise.resolve('ok'));

describe('an endpoint breaker, on a fake clock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opens after its failures, half-opens after halfOpenAfterMs, and closes on a good probe', async () => {
    const { state, changes } = endpointState();
    await fail(state);
    expect(state.breakerState).toBe('closed');
    await fail(state);
    expect(state.breakerState).toBe('open');
    expect(state.rejectsCalls).toBe(false); // open: cockatiel rejects the call itself

    vi.advanceTimersByTime(999);
    await expect(succeed(state)).rejects.toThrow(/open/i);
    vi.advanceTimersByTime(1);
    await succeed(state);
    expect(state.breakerState).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('backs off the half-open delay when the probe fails, up to maxHalfOpenAfterMs', async () => {
    const { state } = endpointState();
    await fail(state);
    await fail(state);
    vi.advanceTimersByTime(1_000);
    await fail(state); // the probe fails: open again, now for 2,000 ms
    expect(state.breakerState).toBe('open');
    vi.advanceTimersByTime(1_999);
    await expect(succeed(state)).rejects.toThrow(/open/i);
    vi.advanceTimersByTime(1);
    await succeed(state);
    expect(state.breakerState).toBe('closed');
  });

  it('does not count a request error against the endpoint', async () => {
    const { state } = endpointState();
    const invalid = Object.assign(new Error('bad'), { name: 'ValidationException' });
    for (let index = 0; index < 5; index++)
      await state.breaker!.execute(() => Promise.reject(invalid)).catch(() => undefined);
    expect(state.breakerState).toBe('closed');
  });
});
