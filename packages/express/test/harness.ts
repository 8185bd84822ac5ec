import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BedrockHA, type BedrockHAConfig, createBedrockHA } from '@bedrock-ha/core';
import type { Simulator } from '@bedrock-ha/simulator';
import {
  CHAT_CHAINS,
  bedrockClient as sharedBedrockClient,
  simulatorClient,
  testResources,
} from '@bedrock-ha/test-kit';
import express, { type Express } from 'express';

export {
  CREDENTIALS,
  eventually,
  HAIKU,
  outcomesIn,
  PRIMARY_PT,
  SIMULATOR,
  UNLIMITED,
  userMessage,
} from '@bedrock-ha/test-kit';

export const API_KEY = 'test-key-0123456789';

/** The chain `chat`: the PT first, then us-west-2. */
export const CHAINS: BedrockHAConfig['chains'] = CHAT_CHAINS;

/**
 * Starts simulators, engines and HTTP servers for a test file and closes them after each test, so a
 * failed assertion never leaves a socket open.
 */
export function harness() {
  const resources = testResources();
  return {
    ...resources,
    engine(sim: Simulator, chains: BedrockHAConfig['chains'] = CHAINS): BedrockHA {
      const ha = createBedrockHA({ chains, client: simulatorClient(sim) }, { telemetry: false });
      resources.defer(() => ha.destroy());
      return ha;
    },
    /** Serves `app` on a free port; the returned URL has no trailing slash. */
    async listen(
      app: Express | Parameters<typeof createServer>[1],
    ): Promise<{ url: string; server: Server }> {
      const server = createServer(app);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      resources.defer(
        () =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      );
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
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
 * the runtime client defaults to HTTP/2) and the one-line middleware that adds the API key.
 */
export function bedrockClient(endpoint: string, apiKey: string | undefined = API_KEY) {
  return sharedBedrockClient(endpoint, { protocol: 'http1', ...(apiKey === undefined ? {} : { apiKey }) });
}

/** How many connections a server has open. */
export function openConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}
