// The lean transport against the stock SDK client, side by side on the simulator: for normal
// answers of the four operations and for every fault the simulator injects, the same outputs,
// events and typed errors (class, name, message, $fault, $metadata, extra members).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { CREDENTIALS, HAIKU, userMessage } from '@bedrock-ha/test-kit';
import { HttpRequest } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import { defaultClientFactory, rawBytesOf } from '../src/index.js';
import { OPERATIONS, sendCommand } from '../src/operations/operations.js';
import { useLeanTransport } from '../src/sdk/lean/transport-choice.js';
import { wasNeverSent } from '../src/sdk/send-stage.js';
import { harness, NOVA } from './harness.js';

const { simulator } = harness();

type Operation = keyof typeof OPERATIONS;
type Path = 'lean' | 'sdk';

/** A default-factory client on the lean transport, and a stock SDK client with the same settings. */
function clients(url: string, http2 = false) {
  const lean = useLeanTransport(
    defaultClientFactory({ region: 'us-east-1', client: { endpoint: url, credentials: CREDENTIALS, http2 } }),
  );
  const sdk = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    // Over HTTP/2, the SDK's own default handler for this client.
    ...(!http2 && { requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000 }) }),
  });
  return {
    lean,
    sdk,
    close() {
      lean.destroy();
      sdk.destroy();
    },
  };
}

/** What a caller can observe of an error: class, name, message, fault, metadata (request id aside), members. */
function observedError(error: unknown) {
  if (typeof error !== 'object' || error === null) return { thrown: error };
  const { $metadata, $response: _, ...members } = error as Record<string, unknown>;
  const { requestId: __, ...metadata } = ($metadata ?? {}) as Record<string, unknown>;
  const { name, message } = error as Error;
  return {
    type: error.constructor,
    name,
    message,
    hasMetadata: $metadata !== undefined,
    metadata,
    members,
    code: (error as { code?: unknown }).code,
    cause: (error as { cause?: { code?: unknown } }).cause?.code,
    hasResponse: '$response' in error,
  };
}

/** An output without what legitimately differs between two requests: ids and measured latencies. */
function observedOutput(output: Record<string, unknown>) {
  const { $metadata, metrics: _, ...rest } = output;
  const { requestId: __, ...metadata } = $metadata as Record<string, unknown>;
  const body = rest.body as { transformToString?: () => string } | undefined;
  if (body?.transformToString)
    rest.body = { type: body.constructor, text: withoutIds(body.transformToString()) };
  if (rest.responseHeaders)
    rest.responseHeaders = Object.keys(rest.responseHeaders as object)
      .filter((name) => !name.includes('latency'))
      .sort();
  return { metadata, rest };
}

function withoutIds(text: string): string {
  return text.replace(/"id":"[^"]*"/g, '"id":"-"').replace(/"invocationLatency":\d+/g, '');
}

function observedEvent(event: Record<string, unknown>) {
  const copy = structuredClone(event) as Record<string, { metrics?: unknown; bytes?: Uint8Array }>;
  if (copy.metadata) delete copy.metadata.metrics;
  if (copy.chunk?.bytes) return { chunk: withoutIds(new TextDecoder().decode(copy.chunk.bytes)) };
  return copy;
}

/** Sends one operation on one path and records everything a caller can see. */
async function outcome(
  paths: ReturnType<typeof clients>,
  path: Path,
  operation: Operation,
  input: Record<string, unknown>,
  modelId = HAIKU,
  signal = new AbortController().signal,
) {
  const command = OPERATIONS[operation].command(input as never, modelId, undefined);
  const result: { output?: unknown; events?: unknown[]; error?: unknown; streamError?: unknown } = {};
  try {
    const output = (
      path === 'lean'
        ? await sendCommand(paths.lean, command, undefined, signal)
        : await paths.sdk.send(command as never, { abortSignal: signal })
    ) as Record<string, unknown>;
    const key =
      operation === 'converseStream'
        ? 'stream'
        : operation === 'invokeModelWithResponseStream'
          ? 'body'
          : undefined;
    if (key) {
      const events = output[key] as AsyncIterable<Record<string, unknown>>;
      delete output[key];
      result.events = [];
      try {
        for await (const event of events) {
          if (path === 'lean') expect(rawBytesOf(event)).toBeInstanceOf(Uint8Array);
          result.events.push(observedEvent(event));
        }
      } catch (error) {
        result.streamError = observedError(error);
      }
    } else if (path === 'lean') expect(rawBytesOf(output)).toBeInstanceOf(Uint8Array);
    result.output = observedOutput(output);
  } catch (error) {
    result.error = observedError(error);
  }
  return result;
}

async function sideBySide(
  paths: ReturnType<typeof clients>,
  operation: Operation,
  input: Record<string, unknown>,
  modelId?: string,
) {
  const lean = await outcome(paths, 'lean', operation, input, modelId);
  const sdk = await outcome(paths, 'sdk', operation, input, modelId);
  expect(lean).toEqual(sdk);
  return lean;
}

const CLAUDE_BODY = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 60,
  messages: [{ role: 'user', content: 'what is the largest city in the world?' }],
});
const NOVA_BODY = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hello there' }] }] });
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 250, 251, 252]);

const INPUTS: Record<Operation, Record<string, unknown>> = {
  converse: { messages: userMessage('what is the largest city in the world?') },
  converseStream: { messages: userMessage('what is the largest city in the world?') },
  invokeModel: { body: CLAUDE_BODY, contentType: 'application/json', accept: 'application/json' },
  invokeModelWithResponseStream: { body: CLAUDE_BODY, contentType: 'application/json' },
};
const ALL = Object.keys(INPUTS) as Operation[];
const STREAMS: Operation[] = ['converseStream', 'invokeModelWithResponseStream'];

const ERRORS = [
  'ThrottlingException',
  'ServiceUnavailableException',
  'ModelTimeoutException',
  'InternalServerException',
  'AccessDeniedException',
  'ValidationException',
  'ModelNotReadyException',
  'ResourceNotFoundException',
  'ServiceQuotaExceededException',
  'ModelErrorException',
] as const;

type Fault = Parameters<Awaited<ReturnType<typeof simulator>>['faults']['add']>[0]['fault'];
const FAULTS: [string, Fault, Operation[]][] = [
  ...ERRORS.map((error): [string, Fault, Operation[]] => [error, { type: 'error', error }, ALL]),
  [
    'a throttle with its own message',
    { type: 'error', error: 'ThrottlingException', message: 'slow down' },
    ALL,
  ],
  ['a reset before the response', { type: 'reset' }, ALL],
  ['a truncated JSON body', { type: 'malformed', variant: 'truncated-json' }, ALL],
  ["a proxy's HTML 502 page", { type: 'malformed', variant: 'html' }, ALL],
  ['a frame with a bad checksum', { type: 'malformed', variant: 'bad-crc' }, STREAMS],
  ['a stream reset after 2 events', { type: 'stream-cut', afterEvents: 2, mode: 'reset' }, STREAMS],
  ['a stream ended early', { type: 'stream-cut', afterEvents: 2, mode: 'end' }, STREAMS],
  ...(['ThrottlingException', 'ModelStreamErrorException', 'InternalServerException'] as const).flatMap(
    (error): [string, Fault, Operation[]][] => [
      [`a ${error} frame first`, { type: 'stream-exception', error, afterEvents: 0 }, STREAMS],
      [`a ${error} frame after 3 events`, { type: 'stream-exception', error, afterEvents: 3 }, STREAMS],
    ],
  ),
  ['a stall mid-stream', { type: 'stream-stall', afterEvents: 1, ms: 20 }, STREAMS],
];

describe('the lean transport conforms to the SDK client', () => {
  it('answers the four operations with the same outputs, events and $metadata', async () => {
    const sim = await simulator();
    const paths = clients(sim.url);
    try {
      for (const operation of ALL) {
        const result = await sideBySide(paths, operation, INPUTS[operation]);
        expect(result.error).toBeUndefined();
        if (STREAMS.includes(operation)) expect(result.events?.length).toBeGreaterThan(3);
        expect(result.output).toMatchObject({
          metadata: { httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 },
        });
      }
      // Nova's body, and InvokeModel's header members.
      for (const operation of ['invokeModel', 'invokeModelWithResponseStream'] as const)
        await sideBySide(paths, operation, { body: NOVA_BODY, performanceConfigLatency: 'standard' }, NOVA);
    } finally {
      paths.close();
    }
  });

  it('answers and fails the same way over HTTP/2 (http2: true)', async () => {
    const sim = await simulator();
    const paths = clients(sim.url, true);
    try {
      for (const operation of ALL)
        expect((await sideBySide(paths, operation, INPUTS[operation])).error).toBeUndefined();
      const id = sim.faults.add({
        match: { region: 'us-east-1' },
        fault: { type: 'error', error: 'ThrottlingException' },
      });
      for (const operation of ALL)
        expect((await sideBySide(paths, operation, INPUTS[operation])).error).toMatchObject({
          name: 'ThrottlingException',
        });
      sim.faults.remove(id);
      sim.faults.add({
        match: { region: 'us-east-1' },
        fault: { type: 'stream-cut', afterEvents: 2, mode: 'reset' },
      });
      for (const operation of STREAMS)
        expect((await sideBySide(paths, operation, INPUTS[operation])).streamError).toBeDefined();
    } finally {
      paths.close();
    }
  });

  it('sends blobs, documents and tool configs the same way (image bytes in, tool use out)', async () => {
    const sim = await simulator();
    const paths = clients(sim.url);
    try {
      const tool = {
        toolSpec: {
          name: 'weather',
          description: 'the weather in a city',
          inputSchema: {
            json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      };
      const input = {
        system: [{ text: 'be brief' }],
        messages: [
          {
            role: 'user',
            content: [
              { text: 'what is in this picture?' },
              { image: { format: 'png', source: { bytes: PNG } } },
            ],
          },
        ],
        inferenceConfig: { maxTokens: 40, temperature: 0.5 },
        additionalModelRequestFields: { top_k: 5, nested: { list: [1, 'two', null] } },
        toolConfig: { tools: [tool], toolChoice: { tool: { name: 'weather' } } },
      };
      for (const operation of ['converse', 'converseStream'] as const) {
        const result = await sideBySide(paths, operation, input);
        expect(result.error).toBeUndefined();
      }
    } finally {
      paths.close();
    }
  });

  for (const [label, fault, operations] of FAULTS)
    it(`fails the same way on ${label}`, async () => {
      const sim = await simulator();
      const paths = clients(sim.url);
      try {
        sim.faults.add({ match: { region: 'us-east-1' }, fault });
        for (const operation of operations) {
          const result = await sideBySide(paths, operation, INPUTS[operation]);
          expect(result.error ?? result.streamError ?? result.output).toBeDefined();
        }
      } finally {
        paths.close();
      }
    });

  it('fails the same way on bad requests: an unknown model, an unknown PT, a blank text block', async () => {
    const sim = await simulator();
    const paths = clients(sim.url);
    try {
      for (const operation of ALL) {
        const unknown = await sideBySide(paths, operation, INPUTS[operation], 'no-such-model');
        expect(unknown.error).toMatchObject({ name: 'ValidationException' });
        const pt = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/nosuchpt0000';
        expect((await sideBySide(paths, operation, INPUTS[operation], pt)).error).toMatchObject({
          name: 'ResourceNotFoundException',
        });
      }
      const blank = await sideBySide(paths, 'converse', { messages: userMessage(' ') });
      expect(blank.error).toMatchObject({ name: 'ValidationException' });
    } finally {
      paths.close();
    }
  });

  it('fails the same way when the region is down (connection refused)', async () => {
    const sim = await simulator();
    const paths = clients(await sim.regions.url('us-east-1'));
    try {
      await sim.regions.down('us-east-1');
      for (const operation of ALL) {
        const result = await sideBySide(paths, operation, INPUTS[operation]);
        expect(result.error).toMatchObject({ code: 'ECONNREFUSED' });
      }
    } finally {
      paths.close();
    }
  });

  it('rejects an aborted request with the same AbortError, before and during the answer', async () => {
    const sim = await simulator();
    const paths = clients(sim.url);
    try {
      sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'hang' } });
      for (const operation of ALL) {
        const results = await Promise.all(
          (['lean', 'sdk'] as const).map((path) => {
            const controller = new AbortController();
            const sent = outcome(paths, path, operation, INPUTS[operation], HAIKU, controller.signal);
            setTimeout(() => controller.abort(), 30);
            return sent;
          }),
        );
        expect(results[0]).toEqual(results[1]);
        expect(results[0]?.error).toMatchObject({ name: 'AbortError' });
        const aborted = await outcome(
          paths,
          'lean',
          operation,
          INPUTS[operation],
          HAIKU,
          AbortSignal.abort(),
        );
        expect(aborted).toEqual(
          await outcome(paths, 'sdk', operation, INPUTS[operation], HAIKU, AbortSignal.abort()),
        );
      }
    } finally {
      paths.close();
    }
  });

  it('ends a stream aborted mid-answer the same way', async () => {
    const sim = await simulator();
    const paths = clients(sim.url);
    try {
      sim.faults.add({
        match: { region: 'us-east-1' },
        fault: { type: 'stream-stall', afterEvents: 2, ms: 20_000 },
      });
      for (const operation of STREAMS) {
        const results = await Promise.all(
          (['lean', 'sdk'] as const).map((path) => {
            const controller = new AbortController();
            const sent = outcome(paths, path, operation, INPUTS[operation], HAIKU, controller.signal);
            setTimeout(() => controller.abort(), 1_000);
            return sent;
          }),
        );
        expect(results[0]).toEqual(results[1]);
        expect(results[0]?.events?.length).toBe(2);
      }
    } finally {
      paths.close();
    }
  });

  it('marks a request whose body cannot be serialized as never sent, as the SDK path does', async () => {
    const sim = await simulator();
    const paths = clients(sim.url);
    try {
      let deep: Record<string, unknown> = {};
      for (let level = 0; level < 20_000; level++) deep = { a: deep };
      const command = OPERATIONS.converse.command(
        {
          messages: userMessage('hi'),
          toolConfig: { tools: [{ toolSpec: { name: 'tool', inputSchema: { json: deep as never } } }] },
        },
        HAIKU,
        undefined,
      );
      const error = await sendCommand(paths.lean, command, undefined, new AbortController().signal).catch(
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(RangeError);
      expect(wasNeverSent(error)).toBe(true);
    } finally {
      paths.close();
    }
  });
});

describe('the lean transport stands aside for what it cannot do', () => {
  it("sends through the SDK once middleware is added to the client's own stack, which then runs", async () => {
    const sim = await simulator();
    const paths = clients(sim.url);
    try {
      const signal = new AbortController().signal;
      const send = () =>
        sendCommand<object>(
          paths.lean,
          OPERATIONS.converse.command(INPUTS.converse as never, HAIKU, undefined),
          undefined,
          signal,
        );
      expect(rawBytesOf(await send())).toBeInstanceOf(Uint8Array);
      let ran = 0;
      paths.lean.middlewareStack.add(
        (next) => async (args) => {
          ran++;
          return next(args);
        },
        { step: 'build', name: 'userAdded' },
      );
      expect(rawBytesOf(await send())).toBeUndefined();
      expect(ran).toBe(1);
    } finally {
      paths.close();
    }
  });

  it('fails the same way when no credentials can be loaded, marked as never sent', async () => {
    const sim = await simulator();
    const missing = '/nonexistent/bedrock-ha-lean-test';
    const env = { AWS_CONFIG_FILE: missing, AWS_SHARED_CREDENTIALS_FILE: missing };
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
    Object.assign(process.env, env);
    const spec = { region: 'us-east-1', client: { endpoint: sim.url, profile: 'no-such-profile' } };
    const lean = useLeanTransport(defaultClientFactory(spec));
    const sdk = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: sim.url,
      profile: 'no-such-profile',
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    try {
      const command = () => OPERATIONS.converse.command(INPUTS.converse as never, HAIKU, undefined);
      const [a, b] = await Promise.all([
        sendCommand(lean, command(), undefined, new AbortController().signal).catch(
          (error: unknown) => error,
        ),
        sdk.send(command() as never).catch((error: unknown) => error),
      ]);
      expect(observedError(a)).toEqual(observedError(b));
      expect(wasNeverSent(a)).toBe(true);
    } finally {
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      lean.destroy();
      sdk.destroy();
    }
  });
});

describe('the lean transport signs requests validly', () => {
  it('sends a SigV4 signature that verifies, over the same signed headers as the SDK', async () => {
    const received: { request: IncomingMessage; body: Buffer }[] = [];
    const server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      received.push({ request, body: Buffer.concat(chunks) });
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          '{"output":{"message":{"role":"assistant","content":[{"text":"ok"}]}},"stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2},"metrics":{"latencyMs":1}}',
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const paths = clients(url);
    try {
      const input = { messages: userMessage('sign me') };
      await outcome(paths, 'lean', 'converse', input, 'us.anthropic.claude-3-haiku-20240307-v1:0');
      await outcome(paths, 'sdk', 'converse', input, 'us.anthropic.claude-3-haiku-20240307-v1:0');
      const [lean, sdk] = received;
      expect(lean!.request.url).toBe(sdk!.request.url);
      expect(lean!.body.equals(sdk!.body)).toBe(true);
      const signedHeaders = (authorization: string) => /SignedHeaders=([^,]+)/.exec(authorization)?.[1];
      expect(signedHeaders(lean!.request.headers.authorization!)).toBe(
        signedHeaders(sdk!.request.headers.authorization!),
      );
      // Sign the request as received again, at its own date: the same Authorization header.
      const { headers } = lean!.request;
      const date = headers['x-amz-date']!;
      // The stock client's own SigV4 signer (a separate instance from the lean client's).
      type Signer = { sign(request: HttpRequest, options: object): Promise<HttpRequest> };
      const signer = await (paths.sdk.config as unknown as { signer(): Promise<Signer> }).signer();
      const names = signedHeaders(headers.authorization!)!.split(';');
      const resigned = await signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: 'http:',
          hostname: '127.0.0.1',
          path: lean!.request.url!,
          headers: Object.fromEntries(names.map((name) => [name, String(headers[name])])),
          body: lean!.body,
        }),
        {
          signingDate: new Date(
            `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
          ),
        },
      );
      expect(resigned.headers.authorization).toBe(headers.authorization);
    } finally {
      paths.close();
      server.close();
    }
  });
});
