import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BedrockHAConfig } from '@bedrock-ha/core';
import type { Simulator } from '@bedrock-ha/simulator';
import { HAIKU } from '../seed-chain.js';

/** The AWS sample's prompt; the simulator answers it as Bedrock's Haiku does: "Tokyo". */
export const DEMO_PROMPT = 'what is the largest city in the world? only give the answer with no details';

/** The chain the demo calls. */
export const DEMO_CHAIN = 'walkthrough';

/** Credentials for the embedded simulator, which never checks them. */
export const SIMULATOR_CREDENTIALS = { accessKeyId: 'AKIDDEMO', secretAccessKey: 'not-a-secret' };

/**
 * How long the PT's breaker stays open before one probe goes back to it. Short, so that the return
 * to the PT happens within the demo; production configs keep the 5 s default or more.
 */
export const DEMO_HALF_OPEN_AFTER_MS = 1_000;

/** The simulator package's seed walkthrough: a small PT in us-east-1, Haiku on demand in us-west-2. */
export function seedScenarioPath(): string {
  const require = createRequire(import.meta.url);
  return join(
    dirname(require.resolve('@bedrock-ha/simulator/package.json')),
    'scenarios',
    'seed-walkthrough.yaml',
  );
}

/** The demo's chain: the scenario's first Provisioned Throughput, then Claude 3 Haiku on demand in us-west-2. */
export function demoConfig(simulator: Simulator): BedrockHAConfig {
  const provisioned = simulator.provisionedThroughputs().find((pt) => pt.status === 'InService');
  // A scenario without a PT still demonstrates failover, from on-demand us-east-1.
  const primary =
    provisioned === undefined
      ? { id: 'haiku-east', region: 'us-east-1', modelId: HAIKU }
      : { id: 'pt-east', modelId: provisioned.arn };
  return {
    client: { endpoint: simulator.url, credentials: SIMULATOR_CREDENTIALS },
    // No retry on the same endpoint: the demo shows failover, as the sample does.
    policy: {
      retry: { maxAttempts: 1 },
      breaker: {
        mode: 'consecutive',
        failures: 2,
        halfOpenAfterMs: DEMO_HALF_OPEN_AFTER_MS,
        maxHalfOpenAfterMs: 4 * DEMO_HALF_OPEN_AFTER_MS,
      },
    },
    chains: {
      [DEMO_CHAIN]: {
        endpoints: [primary, { id: 'haiku-west', region: 'us-west-2', modelId: HAIKU }],
      },
    },
  };
}
