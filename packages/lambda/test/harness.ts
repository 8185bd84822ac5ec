import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BedrockHA, BedrockHAConfig } from '@bedrock-ha/core';
import { type Simulator, type SimulatorOptions, startSimulator } from '@bedrock-ha/simulator';
import { afterEach } from 'vitest';
import type { LambdaContext, LambdaLogEntry } from '../src/index.js';

/** Fake credentials: the simulator reads only the region from the SigV4 scope. */
export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const PT_ID = 'lambdatest01';
export const PT_ARN = `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/${PT_ID}`;
/** The AWS sample's prompt; the simulator answers "Tokyo". */
export const TOKYO_PROMPT = 'what is the largest city in the world? only give the answer with no details';

/** A simulator with the AWS sample's PT in us-east-1 (on-demand Haiku serves every region). */
export function simulatorOptions(extra: SimulatorOptions = {}): SimulatorOptions {
  return {
    provisionedThroughputs: [{ name: 'pt-lambda', region: 'us-east-1', modelId: `${HAIKU}:48k`, id: PT_ID }],
    ...extra,
  };
}

/** The chain the tests call: the PT first, on-demand Haiku in us-west-2 when it fails. */
export function haikuConfig(sim: Pick<Simulator, 'url'>): BedrockHAConfig {
  return {
    client: { endpoint: sim.url, credentials: CREDENTIALS },
    policy: { retry: { baseDelayMs: 1, maxDelayMs: 5 } },
    chains: {
      'claude-haiku': {
        endpoints: [
          { id: 'pt-east', modelId: PT_ARN },
          { id: 'haiku-west', region: 'us-west-2', modelId: HAIKU },
        ],
      },
    },
  };
}

/** Starts simulators and tracks engines for the current file; closes them after each test. */
export function lambdaHarness() {
  const simulators: Simulator[] = [];
  const engines: BedrockHA[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) engine.destroy();
    await Promise.all(simulators.splice(0).map((sim) => sim.close()));
  });
  return {
    async simulator(extra: SimulatorOptions = {}): Promise<Simulator> {
      const sim = await startSimulator(simulatorOptions(extra));
      simulators.push(sim);
      return sim;
    },
    /** Registers a handler's engine for destruction after the test; returns the handler. */
    track<H extends { engine: BedrockHA }>(handler: H): H {
      engines.push(handler.engine);
      return handler;
    },
  };
}

/** A Lambda context whose remaining time counts down from `remainingMs`. */
export function lambdaContext(remainingMs = 60_000): LambdaContext {
  const end = Date.now() + remainingMs;
  return {
    awsRequestId: randomUUID(),
    functionName: 'bedrock-ha-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bedrock-ha-test',
    memoryLimitInMB: '1024',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
  };
}

/** A JSON fixture from test/fixtures, with some fields replaced. */
export function fixture<T = Record<string, unknown>>(
  name: string,
  overrides: Record<string, unknown> = {},
): T {
  const event = JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8'));
  return { ...event, ...overrides } as T;
}

/** A payload 2.0 event (the Function URL fixture) for a method, path and JSON body. */
export function httpEvent(path: string, body: unknown, extra: Record<string, unknown> = {}) {
  const event = fixture<Record<string, unknown> & { requestContext: { http: Record<string, unknown> } }>(
    'function-url-event.json',
  );
  return {
    ...event,
    rawPath: path,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path } },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...extra,
  };
}

/** A logger that keeps the entries, for assertions. */
export function recordingLogger() {
  const entries: LambdaLogEntry[] = [];
  return { entries, logger: (entry: LambdaLogEntry) => entries.push(entry) };
}

/** The ThrottlingException fault on the PT: the chain must fail over to us-west-2. */
export function throttlePt(sim: Simulator): void {
  sim.faults.add({ match: { model: PT_ARN }, fault: { type: 'error', error: 'ThrottlingException' } });
}
