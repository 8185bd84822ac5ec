import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import type { ClientConfig } from '../config/config-schema.js';
import { withCachedSigner } from './cached-signer.js';
import { chooseTransport, useLeanTransport } from './lean/transport-choice.js';
import { withSingleAttempt } from './single-attempt.js';
import { KEEP_ALIVE_IDLE_MS, watchStaleConnections } from './stale-connection.js';

/** What a client factory is asked for: a region and how to connect and sign. */
export interface ClientSpec {
  readonly region: string;
  readonly client: ClientConfig;
}

/** Builds the SDK client for a region; pass your own to `createBedrockHA` to control every detail. */
export type ClientFactory = (spec: ClientSpec) => BedrockRuntimeClient;

/**
 * The default client: `maxAttempts: 1`, because the chain is the only retry loop (retries at
 * several layers multiply load); keep-alive HTTP/1.1 connections, because the SDK's default for
 * this client opens a new HTTP/2 session per request; a connect timeout so a dead region fails
 * fast. Attempt timeouts come from the policies through the abort signal. The SDK's retry
 * middleware, which at one attempt only sets headers and `$metadata`, is swapped for one that does
 * just that (`single-attempt.ts`), and the client keeps its SigV4 signer instead of building one per
 * request (`cached-signer.ts`); a factory of your own gets the SDK's clients untouched.
 */
export const defaultClientFactory: ClientFactory = ({ region, client }) => {
  // Through getBuiltinModule, not an import: an ES import of node:http reads every export to build
  // its namespace, and the `WebSocket` getter among them loads undici (about 13 ms of a Lambda's
  // cold init). The SDK's own handler defers loading node:http the same way.
  const { Agent: HttpAgent } = process.getBuiltinModule('node:http');
  const { Agent: HttpsAgent } = process.getBuiltinModule('node:https');
  const config: BedrockRuntimeClientConfig = {
    region,
    maxAttempts: 1,
    requestHandler: client.http2
      ? new NodeHttp2Handler({ disableConcurrentStreams: false })
      : new NodeHttpHandler({
          connectionTimeout: client.connectTimeoutMs ?? 3_000,
          httpAgent: new HttpAgent(agentOptions(client)),
          httpsAgent: new HttpsAgent(agentOptions(client)),
        }),
  };
  if (client.endpoint !== undefined) config.endpoint = client.endpoint;
  if (client.profile !== undefined) config.profile = client.profile;
  // A copy: the SDK writes into the object it is given, and the config's must stay as written.
  if (client.credentials !== undefined) config.credentials = { ...client.credentials };
  return withCachedSigner(withSingleAttempt(new BedrockRuntimeClient(config)));
};

/**
 * Keep-alive connections closed after {@link KEEP_ALIVE_IDLE_MS} idle, before a server would close
 * them under a request (Node's agent keeps idle sockets forever without `timeout`, and honours a
 * shorter `Keep-Alive: timeout` hint only when it is set). The timer also runs while a request is
 * in flight, but then only emits an event nobody acts on: the agent destroys free sockets only.
 */
function agentOptions(client: ClientConfig) {
  return { keepAlive: true, maxSockets: client.maxSockets ?? 256, timeout: KEEP_ALIVE_IDLE_MS };
}

/** One SDK client per region and connection settings, created on first use and reused. */
export class ClientPool {
  private readonly clients = new Map<string, BedrockRuntimeClient>();
  // Per endpoint, so the hot path does not rebuild the settings key on every attempt.
  private byEndpoint = new WeakMap<ClientSpec, BedrockRuntimeClient>();
  // Only the default factory's clients may take the lean transport: a factory of your own is
  // there to control the SDK client, so its clients are used through the SDK.
  private readonly leanCapable: boolean;

  constructor(private readonly factory: ClientFactory) {
    this.leanCapable = factory === defaultClientFactory;
    // Also for a caller's factory: any Node HTTP client's stale connections are recognised.
    watchStaleConnections();
  }

  /** The client for a region and settings. */
  get(spec: ClientSpec): BedrockRuntimeClient {
    // Built from named fields: the SDK writes bookkeeping into the credentials object it is given.
    const { endpoint, profile, credentials, http2, connectTimeoutMs, maxSockets, transport } = spec.client;
    const key = JSON.stringify([
      spec.region,
      endpoint,
      profile,
      credentials?.accessKeyId,
      credentials?.secretAccessKey,
      credentials?.sessionToken,
      http2,
      connectTimeoutMs,
      maxSockets,
      transport,
    ]);
    let client = this.clients.get(key);
    if (!client) {
      client = this.factory(spec);
      if (this.leanCapable && chooseTransport(transport) === 'lean') useLeanTransport(client);
      this.clients.set(key, client);
    }
    return client;
  }

  /** The client of an endpoint (which has a region and client settings), looked up once per endpoint. */
  of(endpoint: ClientSpec): BedrockRuntimeClient {
    let client = this.byEndpoint.get(endpoint);
    if (!client) {
      client = this.get({ region: endpoint.region, client: endpoint.client });
      this.byEndpoint.set(endpoint, client);
    }
    return client;
  }

  /** Closes every client's connections. */
  destroy(): void {
    this.byEndpoint = new WeakMap();
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
