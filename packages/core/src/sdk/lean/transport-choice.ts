import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { LeanTransport } from './lean-transport.js';

/** How an endpoint's requests reach Bedrock: the lean transport or the SDK client's `send`. */
export type Transport = 'lean' | 'sdk';

const LEAN = new WeakMap<BedrockRuntimeClient, LeanTransport>();
// A client with middleware added after it was built (by a factory wrapping the default one).
const TOUCHED = new WeakSet<BedrockRuntimeClient>();

/**
 * The transport an endpoint gets: `BEDROCK_HA_TRANSPORT` (`lean` or `sdk`) if set, for operators
 * to switch back without a config change; the SDK whenever the SDK would authenticate with a
 * bearer token (`AWS_BEARER_TOKEN_BEDROCK`, or an auth scheme preference naming it), which the
 * lean transport does not do; else the configured one, by default `lean`.
 */
export function chooseTransport(configured: Transport | undefined, env = process.env): Transport {
  const override = env.BEDROCK_HA_TRANSPORT;
  if (override === 'lean' || override === 'sdk') return override;
  if (env.AWS_BEARER_TOKEN_BEDROCK || /bearer/i.test(env.AWS_AUTH_SCHEME_PREFERENCE ?? '')) return 'sdk';
  return configured ?? 'lean';
}

/**
 * Sends this client's requests through a {@link LeanTransport} from now on (see `sendCommand`).
 * Middleware added to the client's own stack afterwards sends them back to the SDK path, so that
 * it still applies.
 */
export function useLeanTransport(client: BedrockRuntimeClient): BedrockRuntimeClient {
  LEAN.set(client, new LeanTransport(client));
  const stack = client.middlewareStack as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ['add', 'addRelativeTo', 'use'] as const) {
    const original = stack[method]!.bind(stack);
    stack[method] = (...args: unknown[]) => {
      TOUCHED.add(client);
      return original(...args);
    };
  }
  return client;
}

/** The lean transport of a client, when its requests may take it. */
export function leanTransportOf(client: BedrockRuntimeClient): LeanTransport | undefined {
  return TOUCHED.has(client) ? undefined : LEAN.get(client);
}
