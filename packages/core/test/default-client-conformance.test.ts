// The default client factory's client against the SDK's own (same settings, untouched middleware
// stack), side by side on the simulator: the answers, typed errors and request headers the SDK's
// retry middleware produces at one attempt must be the same with its lean replacement.
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { CREDENTIALS, HAIKU, userMessage } from '@bedrock-ha/test-kit';
import { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { defaultClientFactory } from '../src/index.js';
import { harness } from './harness.js';

const { simulator } = harness();

/** The default client and a plain SDK client with the same settings, each recording its request headers. */
function clients(url: string) {
  const spec = { region: 'us-east-1', client: { endpoint: url, credentials: CREDENTIALS } };
  const lean = defaultClientFactory(spec);
  // The same HTTP/1.1 handler (the SDK's default for this client is HTTP/2): only the stacks differ.
  const sdk = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  const headers = new Map<BedrockRuntimeClient, Record<string, string>>();
  for (const client of [lean, sdk])
    client.middlewareStack.add(
      (next) => async (args) => {
        headers.set(client, { ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'recordHeaders' },
    );
  return {
    lean,
    sdk,
    headers,
    close: () => {
      lean.destroy();
      sdk.destroy();
    },
  };
}

/** What a caller can observe of an error: its class, name, fault and metadata (request id aside). */
function observed(error: unknown) {
  const { $metadata, $fault, name, message } = error as {
    $metadata: Record<string, unknown>;
    $fault: string;
    name: string;
    message: string;
  };
  const { requestId: _, ...metadata } = $metadata;
  return { type: (error as object).constructor, name, message, $fault, metadata };
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('the default client conforms to the SDK client', () => {
  it('answers Converse, ConverseStream and InvokeModel with the same output and $metadata', async () => {
    const sim = await simulator();
    const { lean, sdk, close } = clients(sim.url);
    try {
      const messages = userMessage('what is the largest city in the world?');
      const outputs = await Promise.all(
        [lean, sdk].map((client) => client.send(new ConverseCommand({ modelId: HAIKU, messages }))),
      );
      const [a, b] = outputs.map(({ $metadata: { requestId: _, ...metadata }, metrics: __, ...rest }) => ({
        metadata,
        rest,
      }));
      expect(a).toEqual(b);
      expect(a?.metadata).toMatchObject({ httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 });

      const body = JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hi' }],
      });
      const invoked = await Promise.all(
        [lean, sdk].map((client) =>
          client.send(new InvokeModelCommand({ modelId: HAIKU, body, contentType: 'application/json' })),
        ),
      );
      expect(
        invoked.map(({ $metadata: { requestId: _, ...metadata }, contentType }) => ({
          metadata,
          contentType,
        })),
      ).toEqual(
        invoked.map(() => ({
          metadata: {
            httpStatusCode: 200,
            attempts: 1,
            totalRetryDelay: 0,
            extendedRequestId: undefined,
            cfId: undefined,
          },
          contentType: invoked[1]?.contentType,
        })),
      );

      const streams = await Promise.all(
        [lean, sdk].map(async (client) => {
          const output = await client.send(new ConverseStreamCommand({ modelId: HAIKU, messages }));
          const kinds: string[] = [];
          for await (const event of output.stream ?? []) kinds.push(Object.keys(event)[0] ?? '');
          const { requestId: _, ...metadata } = output.$metadata;
          return { metadata, kinds };
        }),
      );
      expect(streams[0]).toEqual(streams[1]);
    } finally {
      close();
    }
  });

  it('sends the same retry headers: one invocation id per request, attempt=1; max=1', async () => {
    const sim = await simulator();
    const { lean, sdk, headers, close } = clients(sim.url);
    try {
      for (const client of [lean, sdk])
        await client.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage('hi') }));
      const [a, b] = [headers.get(lean)!, headers.get(sdk)!];
      expect(a['amz-sdk-request']).toBe(b['amz-sdk-request']);
      expect(a['amz-sdk-request']).toBe('attempt=1; max=1');
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      expect(a['amz-sdk-invocation-id']).toMatch(uuid);
      expect(b['amz-sdk-invocation-id']).toMatch(uuid);
      expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    } finally {
      close();
    }
  });

  it('rejects with the same typed errors, $fault and $metadata (throttling, validation, a server error)', async () => {
    const sim = await simulator();
    const { lean, sdk, close } = clients(sim.url);
    try {
      const send = (client: BedrockRuntimeClient, modelId = HAIKU) =>
        rejection(client.send(new ConverseCommand({ modelId, messages: userMessage('hi') })));
      for (const error of ['ThrottlingException', 'InternalServerException'] as const) {
        const id = sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'error', error } });
        const [a, b] = await Promise.all([send(lean), send(sdk)]);
        sim.faults.remove(id);
        expect(observed(a)).toEqual(observed(b));
        expect(observed(a)).toMatchObject({ name: error, metadata: { attempts: 1, totalRetryDelay: 0 } });
      }
      const [a, b] = await Promise.all([send(lean, 'no-such-model'), send(sdk, 'no-such-model')]);
      expect(observed(a)).toEqual(observed(b));
      expect(observed(a).$fault).toBe('client');
    } finally {
      close();
    }
  });

  it('rejects an aborted request the same way, with its attempt metadata', async () => {
    const sim = await simulator();
    const { lean, sdk, close } = clients(sim.url);
    try {
      sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 5_000 } });
      const [a, b] = await Promise.all(
        [lean, sdk].map((client) => {
          const controller = new AbortController();
          const sent = rejection(
            client.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage('hi') }), {
              abortSignal: controller.signal,
            }),
          );
          setTimeout(() => controller.abort(), 50);
          return sent;
        }),
      );
      const shape = (error: unknown) => ({
        name: (error as Error).name,
        attempts: (error as { $metadata?: { attempts?: number } }).$metadata?.attempts,
      });
      expect(shape(a)).toEqual(shape(b));
      expect(shape(a).name).toBe('AbortError');
    } finally {
      close();
    }
  });

  it('signs with one signer per auth scheme, and the same signature as the SDK client', async () => {
    const { lean, sdk, close } = clients('http://127.0.0.1:9');
    try {
      type Signer = { sign(request: HttpRequest, options: object): Promise<HttpRequest> };
      const signerOf = (client: BedrockRuntimeClient) =>
        (client.config as unknown as { signer(): Promise<Signer> }).signer();
      const [first, second, theirs] = await Promise.all([signerOf(lean), signerOf(lean), signerOf(sdk)]);
      expect(first).toBe(second);
      expect(await signerOf(sdk)).not.toBe(theirs);
      const request = () =>
        new HttpRequest({
          method: 'POST',
          protocol: 'http:',
          hostname: '127.0.0.1',
          port: 9,
          path: `/model/${encodeURIComponent(HAIKU)}/converse`,
          headers: { 'content-type': 'application/json', host: '127.0.0.1:9' },
          body: '{"messages":[]}',
        });
      const signingDate = new Date('2026-12-06T12:00:00Z');
      const [a, b] = await Promise.all(
        [first, theirs].map((signer) => signer.sign(request(), { signingDate })),
      );
      expect(a?.headers.authorization).toBe(b?.headers.authorization);
      expect(a?.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/20261206\/us-east-1\/bedrock\/aws4_request/,
      );
    } finally {
      close();
    }
  });
});
