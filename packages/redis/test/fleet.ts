import { type BedrockHA, createBedrockHA, type StateConfig, type StateStore } from '@bedrock-ha/core';
import type { Simulator } from '@bedrock-ha/simulator';
import { CREDENTIALS, HAIKU, PRIMARY_PT, TOKYO, userMessage } from '@bedrock-ha/test-kit';

/** A breaker that opens on 3 failures in a row and probes after 300 ms. */
export const BREAKER = {
  mode: 'consecutive',
  failures: 3,
  halfOpenAfterMs: 300,
  maxHalfOpenAfterMs: 2_000,
} as const;
/**
 * The same breaker held open for a minute: tests that check that other engines skip the PT do not
 * then depend on asking within the cool-down on a loaded machine.
 */
export const LONG_BREAKER = { ...BREAKER, halfOpenAfterMs: 60_000, maxHalfOpenAfterMs: 60_000 } as const;
/** The PT's region fails every request. */
export const PT_OUTAGE = {
  match: { region: 'us-east-1' },
  fault: { type: 'error', error: 'ServiceUnavailableException' },
} as const;

/** One gateway instance of a fleet: an engine whose chain is the PT, then on-demand Haiku in us-west-2. */
export interface Instance {
  readonly ha: BedrockHA;
  ask(): ReturnType<BedrockHA['converse']>;
  /** Which endpoint served each attempt, with its outcome. */
  rows(result: Awaited<ReturnType<BedrockHA['converse']>>): [string, string][];
}

/** An engine on `stateStore` against the simulator (the PT in us-east-1, Haiku in us-west-2). */
export function instance(
  sim: Pick<Simulator, 'url'>,
  stateStore: StateStore,
  state: StateConfig = {},
  breaker: typeof BREAKER | typeof LONG_BREAKER = BREAKER,
): Instance {
  const ha = createBedrockHA(
    {
      client: { endpoint: sim.url, credentials: CREDENTIALS },
      state,
      chains: {
        haiku: {
          endpoints: [
            { id: 'pt', region: 'us-east-1', modelId: PRIMARY_PT, kind: 'provisioned' },
            { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
          ],
          policy: { retry: { maxAttempts: 1 }, breaker },
        },
      },
    },
    { telemetry: false, stateStore },
  );
  return {
    ha,
    ask: () => ha.converse('haiku', { messages: userMessage(TOKYO) }),
    rows: (result) => result.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome]),
  };
}

/** Requests the simulator received in a region. */
export function sentTo(sim: Pick<Simulator, 'counters'>, region: string): number {
  return sim.counters({ region }).reduce((sum, counter) => sum + counter.requests, 0);
}
