import { type BedrockHA, type BedrockHAConfig, createBedrockHA } from '@bedrock-ha/core';
import type { Simulator } from '@bedrock-ha/simulator';
import {
  type BedrockClientOptions,
  CHAT_CHAINS,
  bedrockClient as sharedBedrockClient,
  simulatorClient,
  testResources,
} from '@bedrock-ha/test-kit';
import OpenAI from 'openai';
import { type RunningServer, type ServerOptions, startServer } from '../src/index.js';

export {
  CREDENTIALS,
  eventually,
  HAIKU,
  outcomesIn,
  PRIMARY_PT,
  SIMULATOR,
  TOKYO,
  UNLIMITED,
  userMessage,
  watchTimers,
} from '@bedrock-ha/test-kit';

export const API_KEY = 'sk-test-server-0123456789';

/** The chain `chat`: the PT first, then us-west-2, every client pointed at `sim`. */
export function configFor(sim: Pick<Simulator, 'url'>): BedrockHAConfig {
  return {
    client: simulatorClient(sim),
    chains: CHAT_CHAINS,
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
  const resources = testResources();
  return {
    ...resources,
    /** An engine over `sim` (the chain `chat`), without telemetry, destroyed after the test. */
    engine(sim: Simulator): BedrockHA {
      const ha = createBedrockHA(configFor(sim), { telemetry: false });
      resources.defer(() => ha.destroy());
      return ha;
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
      resources.defer(() => server.close());
      return { server, log };
    },
  };
}

/** The official OpenAI client pointed at a server, without its own retries. */
export function openaiClient(url: string, apiKey = API_KEY): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 30_000 });
}

/**
 * The real Bedrock runtime client pointed at a server, with the one-line middleware that adds the
 * API key. `default` is the client as it comes (HTTP/2, which the server speaks beside HTTP/1.1);
 * `http1` is what users of a plain Express app configure.
 */
export function bedrockClient(
  endpoint: string,
  apiKey: string | undefined = API_KEY,
  protocol: BedrockClientOptions['protocol'] = 'default',
) {
  return sharedBedrockClient(endpoint, { protocol, ...(apiKey === undefined ? {} : { apiKey }) });
}
