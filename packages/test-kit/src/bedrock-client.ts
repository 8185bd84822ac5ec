import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CREDENTIALS } from './simulator-setup.js';

/** Options for {@link bedrockClient}. */
export interface BedrockClientOptions {
  /** Sent as `x-api-key` by one line of middleware, as the READMEs show. None: no key. */
  readonly apiKey?: string;
  /**
   * `http1`: the SDK's `NodeHttpHandler`, what a plain Express app needs. `default`: the runtime
   * client as it comes (HTTP/2 prior knowledge on an `http://` endpoint).
   */
  readonly protocol: 'http1' | 'default';
}

/**
 * The real Bedrock runtime client pointed at a gateway, without retries of its own. Each
 * response's headers land in `seen.lastHeaders`.
 */
export function bedrockClient(endpoint: string, options: BedrockClientOptions) {
  const seen: { lastHeaders: Record<string, string> } = { lastHeaders: {} };
  const client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    credentials: { ...CREDENTIALS },
    maxAttempts: 1,
    ...(options.protocol === 'http1' ? { requestHandler: new NodeHttpHandler() } : {}),
  });
  const { apiKey } = options;
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
