import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { type BedrockHA, type BedrockHAConfig, createBedrockHA } from '@bedrock-ha/core';
import { type Simulator, type SimulatorOptions, startSimulator } from '@bedrock-ha/simulator';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import express, { type Express } from 'express';
import { afterEach } from 'vitest';

/** Fake credentials: the simulator reads only the region from the SigV4 scope. */
export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const PRIMARY_PT = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/primary00001';
export const API_KEY = 'test-key-0123456789';
/** Quotas high enough that only injected faults fail. */
export const UNLIMITED = {
  requestsPerMinute: 1_000_000,
  tokensPerMinute: 1_000_000_000,
  maxConcurrent: 10_000,
};

/** A simulator with a PT in us-east-1 (the primary) and on-demand Haiku in us-west-2 (the backup). */
export const SIMULATOR: SimulatorOptions = {
  provisionedThroughputs: [
    {
      name: 'primary',
      region: 'us-east-1',
      modelId: `${HAIKU}:48k`,
      id: 'primary00001',
      ...UNLIMITED,
    },
  ],
  quotas: { onDemand: UNLIMITED },
};

/** The chain `chat`: the PT first, then us-west-2. */
export const CHAINS: BedrockHAConfig['chains'] = {
  chat: {
    endpoints: [
      { id: 'primary', modelId: PRIMARY_PT },
      { id: 'backup', region: 'us-west-2', modelId: HAIKU },
    ],
  },
};

/**
 * Starts simulators, engines and HTTP servers for a test file and closes them after each test, so a
 * failed assertion never leaves a socket open.
 */
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
    engine(sim: Simulator, chains: BedrockHAConfig['chains'] = CHAINS): BedrockHA {
      const ha = createBedrockHA(
        // A copy: an SDK client marks the credentials object it is given, which the config schema rejects.
        { chains, client: { endpoint: sim.url, credentials: { ...CREDENTIALS } } },
        { telemetry: false },
      );
      cleanups.push(() => ha.destroy());
      return ha;
    },
    /** Serves `app` on a free port; the returned URL has no trailing slash. */
    async listen(
      app: Express | Parameters<typeof createServer>[1],
    ): Promise<{ url: string; server: Server }> {
      const server = createServer(app);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      );
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
    },
    /** Registers a cleanup to run after the test (closed in reverse order). */
    defer(cleanup: () => Promise<void> | void): void {
      cleanups.push(cleanup);
    },
  };
}

/** An Express app with the router under `prefix` and a route of its own beside it. */
export function appWith(router: express.Router, prefix = '/'): Express {
  const app = express();
  app.get('/status', (_request, response) => {
    response.json({ app: 'own route' });
  });
  app.use(prefix, router);
  return app;
}

/**
 * The real Bedrock runtime client pointed at a gateway: HTTP/1.1 (the gateway is an Express app;
 * the runtime client defaults to HTTP/2) and the one-line middleware that adds the API key. Each
 * response's headers land in `lastHeaders`.
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

/** How many connections a server has open. */
export function openConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}
