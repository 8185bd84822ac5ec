import { BedrockClient } from '@aws-sdk/client-bedrock';
import type { Simulator } from '../src/index.js';
import { CREDENTIALS } from './sdk.js';

/** A foundation-model ARN with a context-length variant, as a Provisioned Throughput is bought for. */
export const HAIKU_48K =
  'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0:48k';

/** A real `BedrockClient` (control plane, HTTP/1.1) pointed at the simulator, signing for `region`. */
export function controlPlaneClient(sim: Pick<Simulator, 'url'>, region: string): BedrockClient {
  // One attempt: a test about an error must see the first answer, not a retried one.
  return new BedrockClient({ region, endpoint: sim.url, credentials: CREDENTIALS, maxAttempts: 1 });
}

/**
 * Calls `read` until `done` accepts its result, or fails after `timeoutMs` with the last result.
 * For states that change with the simulator's clock, such as a PT leaving Creating.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 2_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
