import {
  type BedrockRuntimeClient,
  Converse$,
  ConverseCommand,
  ConverseStream$,
  ConverseStreamCommand,
  InvokeModel$,
  InvokeModelCommand,
  InvokeModelWithResponseStream$,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { operation } from '@smithy/core/schema';
import { bedrockHeaders } from '../response-headers.js';
import { markNeverSent } from '../send-stage.js';
import { FrameSplitter } from './frame-splitter.js';
import { type ResolvedEndpoint, resolveEndpoint } from './lean-endpoint.js';
import { addRequestHeaders, leanUserAgent } from './lean-request.js';
import { attachRawBytes } from './raw-bytes.js';
import { asAttemptError, asDeserializationError } from './sdk-error-decoration.js';

type StaticOperation = typeof Converse$;
type Request = { headers: Record<string, string>; hostname: string; port?: number; body?: unknown };
type Response = { statusCode: number; headers: Record<string, string>; body?: unknown };
type Protocol = {
  setSerdeContext(config: unknown): void;
  serializeRequest(schema: unknown, input: unknown, context: unknown): Promise<Request>;
  deserializeResponse(
    schema: unknown,
    context: unknown,
    response: Response,
  ): Promise<Record<string, unknown>>;
};
type Signer = { sign(request: Request, options: object): Promise<Request> };
/** The parts of a client's resolved config the lean transport uses (the SDK keeps them untyped). */
type LeanConfig = {
  protocol: Protocol;
  requestHandler: {
    handle(request: Request, options: { abortSignal: AbortSignal }): Promise<{ response: Response }>;
    metadata?: { handlerProtocol?: string };
  };
  signer(authScheme?: ResolvedEndpoint['authScheme']): Promise<Signer>;
  bodyLengthChecker(body: unknown): number | undefined;
  defaultUserAgentProvider?: () => Promise<[string, string | undefined][]>;
  systemClockOffset?: number;
  credentials(): Promise<unknown>;
};

/** One operation as the lean transport sends it: the SDK's schema, and what its output carries. */
interface LeanOperation {
  readonly schema: ReturnType<typeof operation>;
  /** The output member holding an event stream, for the streaming operations. */
  readonly streamKey?: 'stream' | 'body';
  /** Whether the output gains `responseHeaders` (InvokeModel's, as `recordResponseHeaders` adds). */
  readonly responseHeaders: boolean;
}

function leanOperation(schema: StaticOperation, streamKey?: 'stream' | 'body'): LeanOperation {
  const [, namespace, name, traits, input, output] = schema;
  return {
    schema: operation(namespace, name, traits, input, output),
    responseHeaders: name.startsWith('InvokeModel'),
    ...(streamKey && { streamKey }),
  };
}

/** The four operations by their SDK command class. */
const OPERATIONS = new Map<unknown, LeanOperation>([
  [ConverseCommand, leanOperation(Converse$)],
  [ConverseStreamCommand, leanOperation(ConverseStream$, 'stream')],
  [InvokeModelCommand, leanOperation(InvokeModel$)],
  [InvokeModelWithResponseStreamCommand, leanOperation(InvokeModelWithResponseStream$, 'body')],
]);

/** The command classes the lean transport sends (the four Bedrock runtime operations). */
export function isLeanCommand(command: object): boolean {
  return OPERATIONS.has(command.constructor);
}

/** What one client needs for every request, resolved at its first request. */
interface Prepared {
  readonly endpoint: ResolvedEndpoint;
  readonly signer: Signer;
  readonly userAgent: Record<string, string>;
  readonly http2: boolean;
  /** The serializer's context: the client's config with the endpoint resolved once. */
  readonly context: object;
}

/**
 * Sends the four Bedrock runtime operations on an SDK client without the SDK's middleware stack:
 * the client's own protocol serializes the request and reads the answer (so outputs, typed errors
 * and event streams are the SDK's), its own signer signs it, and its own HTTP handler (keep-alive
 * agents or HTTP/2 session, connect timeout, abort) carries it. What the stack did per request and
 * this does once per client: resolve the endpoint, pick the signer and the user agent. What the
 * middleware did around serde (headers, `$metadata.attempts`, error decoration) is done here the
 * same way; a test runs both paths side by side on every simulator fault.
 */
export class LeanTransport {
  #prepared: Promise<Prepared> | undefined;

  constructor(private readonly client: BedrockRuntimeClient) {
    // The SDK sets this on its first command; the lean path may come first.
    this.#config.protocol.setSerdeContext(client.config);
  }

  get #config(): LeanConfig {
    return this.client.config as unknown as LeanConfig;
  }

  /** Sends a command (one of the four operations) once, as `client.send(command, { abortSignal })` would. */
  async send<O>(command: { input: object }, signal: AbortSignal): Promise<O> {
    const leanOperation = OPERATIONS.get(command.constructor);
    if (!leanOperation) throw new TypeError(`the lean transport does not send ${command.constructor.name}`);
    const config = this.#config;
    const request = await this.#signedRequest(leanOperation, command.input);
    let response: Response;
    try {
      ({ response } = await config.requestHandler.handle(request, { abortSignal: signal }));
    } catch (error) {
      throw asAttemptError(error);
    }
    return (await this.#read(leanOperation, response)) as O;
  }

  /** Serializes and signs; anything raised here happened before a byte was sent. */
  async #signedRequest(leanOperation: LeanOperation, input: object): Promise<Request> {
    const config = this.#config;
    let request: Request;
    try {
      const { context, http2, userAgent } = await this.#prepare();
      // The SDK resolves the identity before serializing, outside its retry middleware; memoized,
      // so the signer's own call below gets the same credentials at no cost.
      await config.credentials();
      request = await config.protocol.serializeRequest(leanOperation.schema, input, context);
      addRequestHeaders(request, userAgent, http2, config.bodyLengthChecker);
    } catch (error) {
      // The SDK's identity resolution and serializer run outside its retry middleware: their
      // errors are not decorated.
      markNeverSent(error);
      throw error;
    }
    try {
      const { endpoint, signer } = await this.#prepare();
      return await signer.sign(request, {
        signingDate: new Date(Date.now() + (config.systemClockOffset ?? 0)),
        signingRegion: endpoint.signingRegion,
        signingService: endpoint.signingName,
      });
    } catch (error) {
      const decorated = asAttemptError(error);
      markNeverSent(decorated);
      throw decorated;
    }
  }

  #prepare(): Promise<Prepared> {
    if (!this.#prepared) {
      const config = this.#config;
      const prepared = (async () => {
        const endpoint = await resolveEndpoint(config);
        const [signer, userAgent] = await Promise.all([
          config.signer(endpoint.authScheme),
          leanUserAgent(config.defaultUserAgentProvider),
        ]);
        const http2 = (config.requestHandler.metadata?.handlerProtocol ?? '').includes('h2');
        const context = { ...config, endpoint: async () => endpoint.endpoint };
        return { endpoint, signer, userAgent, http2, context };
      })();
      // A failure (no region, a broken endpoint rule) is not kept: the next request tries again.
      prepared.catch(() => {
        if (this.#prepared === prepared) this.#prepared = undefined;
      });
      this.#prepared = prepared;
    }
    return this.#prepared;
  }

  /** Reads a response into the operation's output, or throws its error, as the SDK's deserializer does. */
  async #read(leanOperation: LeanOperation, response: Response): Promise<Record<string, unknown>> {
    const config = this.#config;
    const streaming = leanOperation.streamKey !== undefined && response.statusCode < 300;
    let raw: Uint8Array | undefined;
    let frames: FrameSplitter | undefined;
    let output: Record<string, unknown>;
    try {
      if (streaming) {
        frames = new FrameSplitter(response.body as AsyncIterable<Uint8Array>);
        response.body = frames;
      } else {
        raw = await collect(response.body as AsyncIterable<Uint8Array>);
        response.body = raw;
      }
      output = await config.protocol.deserializeResponse(leanOperation.schema, config, response);
    } catch (error) {
      throw asDeserializationError(error, response);
    }
    const metadata = output.$metadata as Record<string, unknown>;
    metadata.attempts = 1;
    metadata.totalRetryDelay = 0;
    if (leanOperation.responseHeaders) output.responseHeaders = bedrockHeaders(response.headers);
    if (raw) attachRawBytes(output, raw);
    if (frames && leanOperation.streamKey) {
      const key = leanOperation.streamKey;
      const events = output[key] as AsyncIterable<object> | undefined;
      if (events) output[key] = withFrames(events, frames);
    }
    return output;
  }
}

/** The events of an SDK event stream, each carrying its frame's bytes for `rawBytesOf`. */
function withFrames(events: AsyncIterable<object>, frames: FrameSplitter): AsyncIterable<object> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const event of events) {
        if (frames.last && typeof event === 'object' && event !== null) attachRawBytes(event, frames.last);
        yield event;
      }
    },
  };
}

/** A response body's bytes (the SDK's collector does the same through a Writable). */
async function collect(body: AsyncIterable<Uint8Array> | Uint8Array | undefined): Promise<Uint8Array> {
  if (body === undefined) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
