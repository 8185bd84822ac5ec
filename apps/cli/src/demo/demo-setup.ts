import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BedrockHAConfig } from '@bedrock-ha/core';
import type { Simulator } from '@bedrock-ha/simulator';
import { HAIKU } from '../seed-chain.js';

/** The AWS sample's prompt; the simulator answers it as Bedrock's Haiku does: "Tokyo". */
export const DEMO_PROMPT = 'what is the largest city in the world? only give the answer with no details';

/**
 * The prompt of `demo --stream`: one the simulator answers at length, so that a stream has a
 * middle to break in (the sample's prompt is answered in one token).
 */
export const DEMO_STREAM_PROMPT = 'In a few sentences, how does failover keep an application answering?';

/** The chain the demo calls. */
export const DEMO_CHAIN = 'walkthrough';

/** Credentials for the embedded simulator, which never checks them. */
export const SIMULATOR_CREDENTIALS = { accessKeyId: 'AKIDDEMO', secretAccessKey: 'not-a-secret' };

/**
 * How long the PT's breaker stays open before one probe goes back to it. Short, so that the return
 * to the PT happens within the demo; production configs keep the 5 s default or more.
 */
export const DEMO_HALF_OPEN_AFTER_MS = 1_000;

/**
 * How long one attempt may take before the chain moves on: a slow primary (the `slow-primary`
 * scenario answers in 2 s) fails over instead of holding every request. Far above what the
 * simulator takes otherwise, so that a busy machine does not time out a healthy endpoint.
 */
export const DEMO_ATTEMPT_TIMEOUT_MS = 1_500;

/**
 * The output cap of the demo's requests: a request reserves its input + maxTokens of the PT's
 * capacity, so a small cap lets the seed's small PT (50 tokens at once) take several a second.
 * The streamed prompt's answer is longer: its reservation is more than the seed's PT holds, so
 * `--stream` with a declared capacity sends every stream to haiku-west.
 */
export const DEMO_MAX_TOKENS = { converse: 12, stream: 200 } as const;

/**
 * The window the PT's declared capacity is spread over: one second, so that the demo shows the
 * PT filling up and taking traffic back within seconds (production keeps the default minute).
 */
export const DEMO_CAPACITY_WINDOW_MS = 1_000;

/** The chain's id for the scenario's Provisioned Throughput. */
export const PRIMARY_ID = 'pt-east';

/** The demo's policy in words, for its header. */
export const DEMO_POLICY_TEXT = `no retry on the same endpoint; an attempt gives up after ${DEMO_ATTEMPT_TIMEOUT_MS / 1000} s; the breaker opens after 2 failures in a row and probes again after ${DEMO_HALF_OPEN_AFTER_MS / 1000} s`;

/** The simulator package's seed walkthrough: a small PT in us-east-1, Haiku on demand in us-west-2. */
export function seedScenarioPath(): string {
  const require = createRequire(import.meta.url);
  return join(
    dirname(require.resolve('@bedrock-ha/simulator/package.json')),
    'scenarios',
    'seed-walkthrough.yaml',
  );
}

/**
 * The demo's chain: the scenario's first Provisioned Throughput, then Claude 3 Haiku on demand in
 * us-west-2. The PT declares its capacity (its tokens per minute) unless `reactive`, so the chain
 * spills to us-west-2 before the PT would throttle.
 */
export function demoConfig(simulator: Simulator, reactive = false): BedrockHAConfig {
  const provisioned = simulator.provisionedThroughputs().find((pt) => pt.status === 'InService');
  const tokensPerMinute = provisioned?.tokensPerMinute;
  // A scenario without a PT still demonstrates failover, from on-demand us-east-1.
  const primary =
    provisioned === undefined
      ? { id: 'haiku-east', region: 'us-east-1', modelId: HAIKU }
      : {
          id: PRIMARY_ID,
          modelId: provisioned.arn,
          ...(!reactive &&
            tokensPerMinute !== undefined && {
              capacity: { tokensPerMinute, windowMs: DEMO_CAPACITY_WINDOW_MS },
            }),
        };
  return {
    client: { endpoint: simulator.url, credentials: SIMULATOR_CREDENTIALS },
    // No retry on the same endpoint: the demo shows failover, as the sample does.
    policy: {
      retry: { maxAttempts: 1 },
      timeouts: { attemptMs: DEMO_ATTEMPT_TIMEOUT_MS },
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
        // With --stream, an answer cut mid-way continues on haiku-west instead of failing.
        resume: true,
      },
    },
  };
}
