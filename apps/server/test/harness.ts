import { createHook } from 'node:async_hooks';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { BedrockHAConfig } from '@bedrock-ha/core';
import { type Simulator, type SimulatorOptions, startSimulator } from '@bedrock-ha/simulator';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import { afterEach } from 'vitest';
import { type RunningServer, type ServerOptions, startServer } from '../src/index.js';

export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const PRIMARY_PT = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/primary00001';
export const API_KEY = 'sk-test-server-0123456789';
/** The AWS sample's prompt; the simulator answers "Tokyo". */
export const TOKYO = 'what is the largest city in the world? only give the answer with no details';
/** Quotas high enough that only injected faults fail. */
export const UNLIMITED = {
  requestsPerMinute: 1_000_000,
  tokensPerMinute: 1_000_000_000,
  maxConcurrent: 10_000,
};

/** A PT in us-east-1 (the primary) and on-demand Haiku in us-west-2 (the backup), no quota in the way. */
export const SIMULATOR: SimulatorOptions = {
  provisionedThroughputs: [
    { name: 'primary', region: 'us-east-1', modelId: `${HAIKU}:48k`, id: 'primary00001', ...UNLIMITED },
  ],
  quotas: { onDemand: UNLIMITED },
};

/** The chain `chat`: the PT first, then us-west-2, every client pointed at `sim`. */
export function configFor(sim: Pick<Simulator, 'url'>): BedrockHAConfig {
  return {
    client: { endpoint: sim.url, credentials: { ...CREDENTIALS } },
    chains: {
      chat: {
        endpoints: [
          { id: 'primary', modelId: PRIMARY_PT },
          { id: 'backup', region: 'us-west-2', modelId: HAIKU },
        ],
      },
    },
  };
}

/** A log destination that keeps every JSON line. */
export function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  return {
    lines,
    raw,
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line));
    },
    /** Lines whose `event` is `event`. */
    events(event: string) {
      return lines.filter((line) => line.event === event);
    },
  };
}

/** Starts simulators and servers for a test file and closes them after each test. */
export function harness() {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    async simulator(options: SimulatorOptions = SIMULATOR): Promise<Simulator> {
      const sim = await startSimulator(options);
      cleanups.push(() => sim.close());
      return sim;
    },
    /** A server on a free port over `sim`, telemetry off, logs captured. */
    async server(sim: Simulator, options: Partial<ServerOptions> = {}) {
      const log = logCapture();
      const server: RunningServer = await startServer({
        config: configFor(sim),
        port: 0,
        host: '127.0.0.1',
        apiKeys: [API_KEY],
        telemetry: false,
        logDestination: log,
        ...options,
      });
      cleanups.push(() => server.close());
      return { server, log };
    },
    defer(cleanup: () => Promise<void> | void): void {
      cleanups.push(cleanup);
    },
  };
}

/** The official OpenAI client pointed at a server, without its own retries. */
export function openaiClient(url: string, apiKey = API_KEY): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 30_000 });
}

/**
 * The real Bedrock runtime client pointed at a server: HTTP/1.1 (the server speaks HTTP/1.1; the
 * runtime client defaults to HTTP/2) and the one-line middleware that adds the API key. Each
 * response's headers land in `seen.lastHeaders`.
 */
export function bedrockClient(endpoint: string, apiKey: string | undefined = API_KEY) {
  const seen: { lastHeaders: Record<string, string> } = { lastHeaders: {} };
  const client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    credentials: { ...CREDENTIALS },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  if (apiKey !== undefined)
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-api-key'] = apiKey;
        return next(args);
      },
      { step: 'build' },
    );
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      seen.lastHeaders = (result.response as { headers: Record<string, string> }).headers;
      return result;
    },
    { step: 'deserialize' },
  );
  return Object.assign(client, { seen });
}

/** Converse `messages` with one user turn. */
export function userMessage(text: string) {
  return [{ role: 'user' as const, content: [{ text }] }];
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

/** How many requests the simulator logged in a region, by outcome. */
export function outcomesIn(sim: Simulator, region: string): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const counter of sim.counters({ region }))
    for (const [outcome, count] of Object.entries(counter.outcomes))
      outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
  return outcomes;
}

/**
 * Watches the timers created from now on (vitest's own left out). `left()` gives the creation
 * stack of each one still pending and keeping the process alive: call it after closing
 * everything. The same check as the core's test harness.
 */
export function watchTimers() {
  const pending = new Map<number, { timer: { hasRef(): boolean }; stack: string }>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      const origin = stack
        .split('\n')
        .slice(2)
        .find((frame) => !frame.includes('(node:'));
      if (!/[\\/]vitest[\\/]|@vitest/.test(origin ?? ''))
        pending.set(asyncId, { timer: resource as { hasRef(): boolean }, stack });
    },
    destroy: (asyncId) => pending.delete(asyncId),
  }).enable();
  return {
    async left(): Promise<string[]> {
      // Node reports a cleared timer's end on a later turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      hook.disable();
      return [...pending.values()].filter(({ timer }) => timer.hasRef()).map(({ stack }) => stack);
    },
  };
}
