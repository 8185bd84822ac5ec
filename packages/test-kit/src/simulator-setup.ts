import type { Simulator, SimulatorOptions } from '@bedrock-ha/simulator';

/** Fake credentials: the simulator reads only the region from the SigV4 scope. */
export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
/** On-demand Claude 3 Haiku. */
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
/** The ARN of the simulator's PT in {@link SIMULATOR}. */
export const PRIMARY_PT = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/primary00001';
/** The AWS sample's prompt; the simulator answers "Tokyo". */
export const TOKYO = 'what is the largest city in the world? only give the answer with no details';
/** Quotas high enough that only injected faults fail. */
export const UNLIMITED = {
  requestsPerMinute: 1_000_000,
  tokensPerMinute: 1_000_000_000,
  maxConcurrent: 10_000,
};

/** A simulator with a PT in us-east-1 (the primary) and on-demand Haiku in us-west-2 (the backup), no quota in the way. */
export const SIMULATOR: SimulatorOptions = {
  provisionedThroughputs: [
    { name: 'primary', region: 'us-east-1', modelId: `${HAIKU}:48k`, id: 'primary00001', ...UNLIMITED },
  ],
  quotas: { onDemand: UNLIMITED },
};

/** The chain `chat`: the simulator's PT in us-east-1 first ({@link SIMULATOR}), then on-demand Haiku in us-west-2. */
export const CHAT_CHAINS = {
  chat: {
    endpoints: [
      { id: 'primary', modelId: PRIMARY_PT },
      { id: 'backup', region: 'us-west-2', modelId: HAIKU },
    ],
  },
};

/**
 * An engine's `client` settings pointing at `sim`, with a fresh copy of {@link CREDENTIALS} each
 * call: an SDK client writes `$source` into the credentials object it is given.
 */
export function simulatorClient(sim: Pick<Simulator, 'url'>) {
  return { endpoint: sim.url, credentials: { ...CREDENTIALS } };
}

/**
 * A policy for failover tests: no retry on the same endpoint, and a breaker that opens after
 * `failures` failures in a row and stays open for the rest of the test.
 */
export function breakerStaysOpen(failures: number) {
  return {
    retry: { maxAttempts: 1 },
    breaker: {
      mode: 'consecutive' as const,
      failures,
      halfOpenAfterMs: 600_000,
      maxHalfOpenAfterMs: 600_000,
    },
  };
}

/** How many requests the simulator logged in a region, by outcome. */
export function outcomesIn(sim: Pick<Simulator, 'counters'>, region: string): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const counter of sim.counters({ region }))
    for (const [outcome, count] of Object.entries(counter.outcomes))
      outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
  return outcomes;
}

/** Waits until `check` holds, polling; fails after `withinMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  withinMs = 10_000,
  what = 'condition',
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`${what} not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
