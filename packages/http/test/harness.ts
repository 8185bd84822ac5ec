import { Readable } from 'node:stream';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { type BedrockHA, type BedrockHAConfig, type ClientFactory, createBedrockHA } from '@bedrock-ha/core';
import { type Simulator, type SimulatorOptions, startSimulator } from '@bedrock-ha/simulator';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { afterEach, expect } from 'vitest';
import { createGateway } from '../src/gateway.js';
import type { Gateway, GatewayOptions, GatewayRequest, GatewayResponse, RequestLog } from '../src/index.js';

/** Fake credentials: the simulator reads only the region from the SigV4 scope. */
export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const PT_ID = 'gatewaypt001';
/** The PT of the `claude` chain; the simulator answers "Tokyo" to {@link TOKYO_PROMPT}. */
export const PT_ARN = `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/${PT_ID}`;
export const TOKYO_PROMPT = 'what is the largest city in the world? only give the answer with no details';
export const API_KEY = 'test-key-0123456789';

/** The simulator with the chain's PT in us-east-1 (Haiku on demand is there by default in us-west-2). */
export const SIMULATOR: SimulatorOptions = {
  provisionedThroughputs: [{ name: 'pt-gateway', region: 'us-east-1', modelId: `${HAIKU}:48k`, id: PT_ID }],
  quotas: {
    onDemand: { requestsPerMinute: 1_000_000, tokensPerMinute: 1_000_000_000, maxConcurrent: 10_000 },
  },
};

/** `claude`: the PT in us-east-1, then Haiku on demand in us-west-2 (the AWS sample's chain). */
export const CONFIG: BedrockHAConfig = {
  chains: {
    claude: {
      endpoints: [
        { id: 'pt-east', modelId: PT_ARN },
        { id: 'haiku-west', region: 'us-west-2', modelId: HAIKU },
      ],
    },
    nova: { endpoints: [{ id: 'nova-west', region: 'us-west-2', modelId: 'amazon.nova-micro-v1:0' }] },
  },
};

/** A simulator, an engine on it and a gateway over the engine, closed after each test. */
export function gatewayHarness() {
  const open: { sim: Simulator; ha: BedrockHA; gateway: Gateway }[] = [];
  afterEach(async () => {
    for (const { sim, ha, gateway } of open.splice(0)) {
      gateway.close();
      ha.destroy();
      await sim.close();
    }
  });
  return async (
    options: {
      gateway?: GatewayOptions;
      config?: BedrockHAConfig;
      simulator?: SimulatorOptions;
      /** The engine's SDK clients, e.g. with a middleware that records what goes upstream. */
      clientFactory?: ClientFactory;
    } = {},
  ) => {
    const sim = await startSimulator(options.simulator ?? SIMULATOR);
    const config = options.config ?? CONFIG;
    const ha = createBedrockHA(
      { ...config, client: { endpoint: sim.url, credentials: CREDENTIALS } },
      { telemetry: false, ...(options.clientFactory && { clientFactory: options.clientFactory }) },
    );
    const logs: RequestLog[] = [];
    const gateway = createGateway(ha, {
      apiKeys: [API_KEY],
      onRequestLog: (entry) => logs.push(entry),
      ...options.gateway,
    });
    open.push({ sim, ha, gateway });
    return { sim, ha, gateway, logs };
  };
}

/** A request as an adapter would build it, with the API key unless headers say otherwise. */
export function post(path: string, body: unknown, headers: Record<string, string> = {}): GatewayRequest {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  };
}

/** A GET with the API key. */
export function get(path: string, headers: Record<string, string> = {}): GatewayRequest {
  return { method: 'GET', path, headers: { 'x-api-key': API_KEY, ...headers }, body: undefined };
}

/** A non-streaming body as text. */
export function text(response: GatewayResponse): string {
  if (typeof response.body === 'string') return response.body;
  if (response.body instanceof Uint8Array) return new TextDecoder().decode(response.body);
  throw new Error('expected a complete body, got a stream');
}

/** Parsed JSON whose shape the test asserts (assertions fail loudly on a wrong shape). */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response JSON and assert its shape.
export type Json = any;

/** A non-streaming body as JSON. */
export function json(response: GatewayResponse): Json {
  return JSON.parse(text(response));
}

/** Every chunk of a streaming body, in order. */
export async function chunks(response: GatewayResponse): Promise<Uint8Array[]> {
  if (typeof response.body === 'string' || response.body instanceof Uint8Array) {
    throw new Error(`expected a stream, got a complete body: ${text(response)}`);
  }
  const received: Uint8Array[] = [];
  for await (const chunk of response.body) received.push(chunk);
  return received;
}

/** The `data:` payloads of a server-sent-events body: parsed JSON, or the raw text (`[DONE]`). */
export function sseData(received: readonly Uint8Array[]): Json[] {
  const all = Buffer.concat(received).toString('utf8');
  expect(all.endsWith('\n\n')).toBe(true);
  return all
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      const data = event.slice('data: '.length);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

/** An event-stream body decoded with the SDK's codec: each message's headers (as strings) and JSON body. */
export function decodeEventStream(received: readonly Uint8Array[]) {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const all = Buffer.concat(received);
  const messages: { headers: Record<string, string>; body: Json }[] = [];
  for (let offset = 0; offset < all.length; ) {
    const length = all.readUInt32BE(offset);
    const message = codec.decode(all.subarray(offset, offset + length));
    const headers = Object.fromEntries(
      Object.entries(message.headers).map(([name, header]) => [name, String(header.value)]),
    );
    messages.push({ headers, body: JSON.parse(toUtf8(message.body)) });
    offset += length;
  }
  return messages;
}

/** The SDK's HTTP request, as its request handler receives it. */
interface HttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * A real `BedrockRuntimeClient` whose transport is `gateway.handle()`: the SDK serialises its
 * command, the gateway answers, the SDK parses the answer, with no socket between them.
 */
export function sdkClient(gateway: Gateway, apiKey = API_KEY): BedrockRuntimeClient {
  const requestHandler = {
    async handle(request: HttpRequest, options?: { abortSignal?: AbortSignal }) {
      const query = new URLSearchParams(request.query as Record<string, string>).toString();
      const response = await gateway.handle({
        method: request.method,
        path: request.path + (query ? `?${query}` : ''),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
        ),
        body: request.body as GatewayRequest['body'],
        ...(options?.abortSignal && { signal: options.abortSignal as AbortSignal }),
      });
      const body =
        typeof response.body === 'string' || response.body instanceof Uint8Array
          ? Readable.from([Buffer.from(response.body)])
          : Readable.from(response.body);
      return { response: { statusCode: response.status, headers: { ...response.headers }, body } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  const client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: 'http://gateway.invalid',
    // A copy: the SDK marks the object it is given (`$source`), which the engine's strict config rejects.
    credentials: { ...CREDENTIALS },
    maxAttempts: 1,
    requestHandler,
  });
  // The one line the README documents: the SDK signs Authorization itself, so the key goes in x-api-key.
  client.middlewareStack.add(
    (next) => (args) => {
      (args.request as HttpRequest).headers['x-api-key'] = apiKey;
      return next(args);
    },
    { step: 'build', name: 'gatewayApiKey' },
  );
  return client;
}
