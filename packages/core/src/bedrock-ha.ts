import {
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  ConverseStreamCommand,
  type ConverseStreamCommandInput,
  type ConverseStreamCommandOutput,
  type ConverseStreamOutput,
  InvokeModelCommand,
  type InvokeModelCommandInput,
  type InvokeModelCommandOutput,
  InvokeModelWithResponseStreamCommand,
  type InvokeModelWithResponseStreamCommandInput,
  type InvokeModelWithResponseStreamCommandOutput,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { Random } from './backoff.js';
import { type RunnerContext, type RunnerRequest, runChain, type Step } from './chain-runner.js';
import { type ClientFactory, ClientPool, defaultClientFactory } from './client-pool.js';
import type { BedrockHAConfig } from './config-schema.js';
import { continuationFilter, continuationInput } from './converse-resume.js';
import { type DropInClient, dropInClient } from './drop-in-client.js';
import { type Chain, type Endpoint, type EndpointRef, endpointRef } from './endpoint.js';
import { type EndpointHealth, EndpointState } from './endpoint-state.js';
import { classifyError, type ErrorClassifier } from './error-classification.js';
import { type Attempt, UnknownChainError } from './errors.js';
import { type BedrockHAEvents, EventHub } from './events.js';
import type { Instrumentation, Operation } from './instrumentation.js';
import { converseEventInfo, invokeBodyInfo, invokeChunkInfo, type StreamEventInfo } from './model-output.js';
import { RequestClock } from './request-clock.js';
import { resolveConfig } from './resolve-config.js';
import { endpointOrder } from './routing.js';
import { type SendStream, streamStep } from './stream-attempt.js';
import { type Resumption, StreamSession } from './stream-session.js';
import { createTelemetry } from './telemetry.js';

/** Options of {@link createBedrockHA} beyond the configuration. */
export interface BedrockHAOptions {
  /** Builds the SDK client of each region (default: keep-alive HTTP/1.1, `maxAttempts: 1`). */
  readonly clientFactory?: ClientFactory;
  /** Overrides the error taxonomy; return `undefined` to fall back to {@link classifyError}. */
  readonly classifyError?: ErrorClassifier;
  /** OpenTelemetry providers (default: the global ones), or `false` for no telemetry. */
  readonly telemetry?: { tracerProvider?: TracerProvider; meterProvider?: MeterProvider } | false;
  /** Random source of the backoff jitter and weighted routing; seed it in tests. */
  readonly random?: Random;
}

/** Per-request options. */
export interface RequestOptions {
  /** Cancels the request, down to the socket; the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Overrides the chain's deadline for this request (ms); for a stream, until its first content. */
  readonly deadlineMs?: number;
}

/** Per-request options of ConverseStream. */
export interface ConverseStreamOptions extends RequestOptions {
  /** Overrides the chain's `resume` setting. */
  readonly resume?: boolean;
}

/** Which endpoint answered, and every attempt it took. */
export interface Served {
  /** The endpoint that answered (for a resumed stream, the one serving it now). */
  readonly servedBy: EndpointRef;
  /** Every attempt, in order, skipped ones included. */
  readonly attempts: readonly Attempt[];
}

/** Converse input: the SDK's, without `modelId` (the chain decides it). */
export type ConverseInput = Omit<ConverseCommandInput, 'modelId'>;
/** ConverseStream input without `modelId`. */
export type ConverseStreamInput = Omit<ConverseStreamCommandInput, 'modelId'>;
/** InvokeModel input without `modelId`. */
export type InvokeModelInput = Omit<InvokeModelCommandInput, 'modelId'>;
/** InvokeModelWithResponseStream input without `modelId`. */
export type InvokeModelWithResponseStreamInput = Omit<InvokeModelWithResponseStreamCommandInput, 'modelId'>;

/** The SDK's Converse output, and who served it. */
export type ConverseResult = ConverseCommandOutput & Served;
/** The SDK's ConverseStream output (its `stream` fails over and resumes), and who serves it. */
export type ConverseStreamResult = ConverseStreamCommandOutput &
  Served & { stream: AsyncIterable<ConverseStreamOutput> };
/** The SDK's InvokeModel output, and who served it. */
export type InvokeModelResult = InvokeModelCommandOutput & Served;
/** The SDK's InvokeModelWithResponseStream output, and who serves it. */
export type InvokeModelWithResponseStreamResult = InvokeModelWithResponseStreamCommandOutput &
  Served & { body: AsyncIterable<ResponseStream> };

/** Fallback chains over Amazon Bedrock. Create one per process with {@link createBedrockHA}. */
export interface BedrockHA extends BedrockHAEvents {
  /** Converse through a chain. */
  converse(chain: string, input: ConverseInput, options?: RequestOptions): Promise<ConverseResult>;
  /**
   * ConverseStream through a chain. Resolves once the first content has arrived, failing over
   * until then; iterate `stream` for the events.
   */
  converseStream(
    chain: string,
    input: ConverseStreamInput,
    options?: ConverseStreamOptions,
  ): Promise<ConverseStreamResult>;
  /** InvokeModel through a chain. The body is model-specific, so every endpoint should serve one model family. */
  invokeModel(chain: string, input: InvokeModelInput, options?: RequestOptions): Promise<InvokeModelResult>;
  /** InvokeModelWithResponseStream through a chain; fails over until the first content chunk. */
  invokeModelWithResponseStream(
    chain: string,
    input: InvokeModelWithResponseStreamInput,
    options?: RequestOptions,
  ): Promise<InvokeModelWithResponseStreamResult>;
  /** A `BedrockRuntimeClient` look-alike whose `send(command)` reads `modelId` as a chain name. */
  readonly client: DropInClient;
  /** The names of the configured chains. */
  readonly chains: readonly string[];
  /** Breaker state, load and retry budget of every endpoint. */
  health(): EndpointHealth[];
  /** Closes the SDK clients' connections and stops telemetry. */
  destroy(): void;
}

/**
 * Builds the engine from a configuration (validated here; see `loadConfig` for files).
 * @throws ConfigError naming each problem's path, what was expected and a fix.
 * @example
 * const ha = createBedrockHA({ chains: { haiku: { endpoints: [
 *   { modelId: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123' },
 *   { region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
 * ] } } });
 * const { output, servedBy } = await ha.converse('haiku', { messages });
 */
export function createBedrockHA(config: BedrockHAConfig, options: BedrockHAOptions = {}): BedrockHA {
  const resolved = resolveConfig(config);
  const events = new EventHub();
  const clients = new ClientPool(options.clientFactory ?? defaultClientFactory);
  const random = options.random ?? Math.random;
  const custom = options.classifyError;
  const classify = (error: unknown, endpoint: Endpoint) => custom?.(error, endpoint) ?? classifyError(error);
  const states = new Map<string, EndpointState>();
  for (const chain of resolved.chains.values())
    for (const endpoint of chain.endpoints)
      if (!states.has(endpoint.id))
        states.set(endpoint.id, new EndpointState(endpoint, classify, resolved.retryBudget, events));
  const telemetry =
    options.telemetry === false
      ? undefined
      : createTelemetry({
          ...options.telemetry,
          captureContent: resolved.captureContent,
          events: events.api,
        });
  const instrumentation: Instrumentation = telemetry ?? NO_INSTRUMENTATION;

  const chainNamed = (name: string): Chain => {
    const chain = resolved.chains.get(name);
    if (!chain) throw new UnknownChainError(name, [...resolved.chains.keys()]);
    return chain;
  };
  const contextFor = (chain: Chain): RunnerContext => ({
    chain: chain.name,
    events,
    state: (endpoint) => states.get(endpoint.id)!,
    classify,
    random,
  });
  const begin = (
    chain: Chain,
    operation: Operation,
    input: unknown,
    request: RequestOptions,
  ): RunnerRequest => ({
    clock: new RequestClock(request.signal, request.deadlineMs ?? chain.deadlineMs),
    scope: instrumentation.request({ chain: chain.name, operation, input }),
    attempts: [],
  });
  const clientOf = (endpoint: Endpoint) => clients.get({ region: endpoint.region, client: endpoint.client });

  /** Runs a one-shot operation down a chain. */
  async function unary<T extends object>(
    name: string,
    operation: Operation,
    input: unknown,
    request: RequestOptions,
    step: Omit<Step<T>, 'timeoutMs'>,
  ): Promise<T & Served> {
    const chain = chainNamed(name);
    const run = begin(chain, operation, input, request);
    try {
      const served = await runChain(contextFor(chain), run, endpointOrder(chain, states, random), {
        ...step,
        timeoutMs: (endpoint) => endpoint.policy.timeouts.attemptMs,
      });
      const servedBy = endpointRef(served.endpoint);
      const details = step.describe(served.value);
      run.scope.end({ outcome: 'success', servedBy, attempts: run.attempts, ...details });
      return Object.assign(served.value, { servedBy, attempts: run.attempts });
    } catch (error) {
      run.scope.end({ outcome: 'failure', error, attempts: run.attempts });
      throw error;
    } finally {
      run.clock.dispose();
    }
  }

  /** Opens a stream down a chain and hands it to a session. */
  async function streaming<E>(
    name: string,
    operation: Operation,
    input: unknown,
    request: RequestOptions,
    send: SendStream<E>,
    info: (event: E) => StreamEventInfo,
    resume: ((clock: () => RequestClock) => Resumption<E>) | undefined,
  ) {
    const chain = chainNamed(name);
    const run = begin(chain, operation, input, request);
    const context = contextFor(chain);
    const endpoints = endpointOrder(chain, states, random);
    try {
      const served = await runChain(context, run, endpoints, streamStep(send, info, run.clock));
      const session = new StreamSession<E>({
        context,
        request: run,
        served,
        order: endpoints,
        info,
        caller: request.signal,
        resume: resume?.(() => new RequestClock(request.signal, request.deadlineMs ?? chain.deadlineMs)),
      });
      return { session, metadata: served.value.metadata, attempts: run.attempts };
    } catch (error) {
      run.scope.end({ outcome: 'failure', error, attempts: run.attempts });
      throw error;
    } finally {
      run.clock.dispose();
    }
  }

  const ha: BedrockHA = {
    ...events.api,
    chains: [...resolved.chains.keys()],

    converse: (chain, input, request = {}) =>
      unary<ConverseCommandOutput>(chain, 'Converse', input, request, {
        call: (endpoint, signal) =>
          clientOf(endpoint).send(new ConverseCommand({ ...input, modelId: endpoint.modelId }), {
            abortSignal: signal,
          }),
        describe: (output) => ({
          usage: output.usage,
          finishReasons: output.stopReason ? [output.stopReason] : [],
          outputText: output.output?.message?.content?.map((block) => block.text ?? '').join(''),
        }),
      }),

    invokeModel: (chain, input, request = {}) =>
      unary<InvokeModelCommandOutput>(chain, 'InvokeModel', input, request, {
        call: (endpoint, signal) =>
          clientOf(endpoint).send(new InvokeModelCommand({ ...input, modelId: endpoint.modelId }), {
            abortSignal: signal,
          }),
        describe: (output) => {
          const { usage, finishReasons, text } = invokeBodyInfo(output.body);
          return { usage, finishReasons, outputText: text };
        },
      }),

    async converseStream(name, input, request = {}) {
      const chain = chainNamed(name);
      const send =
        (modelInput: ConverseStreamInput): SendStream<ConverseStreamOutput> =>
        (endpoint, signal) =>
          clientOf(endpoint).send(new ConverseStreamCommand({ ...modelInput, modelId: endpoint.modelId }), {
            abortSignal: signal,
          });
      const resume =
        (request.resume ?? chain.resume)
          ? (clock: () => RequestClock): Resumption<ConverseStreamOutput> => ({
              clock,
              step: (delivered) =>
                streamStep(send(continuationInput(input, delivered)), converseEventInfo, clock()),
              filter: continuationFilter,
            })
          : undefined;
      const opened = await streaming(
        name,
        'ConverseStream',
        input,
        request,
        send(input),
        converseEventInfo,
        resume,
      );
      return sessionResult(opened, 'stream');
    },

    async invokeModelWithResponseStream(chain, input, request = {}) {
      const opened = await streaming<ResponseStream>(
        chain,
        'InvokeModelWithResponseStream',
        input,
        request,
        async (endpoint, signal) => {
          const output = await clientOf(endpoint).send(
            new InvokeModelWithResponseStreamCommand({ ...input, modelId: endpoint.modelId }),
            { abortSignal: signal },
          );
          return { stream: output.body, $metadata: output.$metadata };
        },
        invokeChunkInfo,
        undefined,
      );
      return sessionResult(opened, 'body');
    },

    client: undefined as unknown as DropInClient,
    health: () => [...states.values()].map((state) => state.health()),
    destroy() {
      clients.destroy();
      telemetry?.dispose();
    },
  };
  return Object.assign(ha, { client: dropInClient(ha) });
}

function sessionResult<E, K extends 'stream' | 'body'>(
  opened: {
    session: StreamSession<E>;
    metadata: ConverseStreamCommandOutput['$metadata'];
    attempts: readonly Attempt[];
  },
  key: K,
) {
  const { session } = opened;
  const result = {
    $metadata: opened.metadata,
    attempts: opened.attempts,
    [key]: session.events(),
  } as { $metadata: typeof opened.metadata; attempts: readonly Attempt[]; servedBy: EndpointRef } & Record<
    K,
    AsyncIterable<E>
  >;
  // The serving endpoint changes when a stream resumes elsewhere; read it live.
  Object.defineProperty(result, 'servedBy', { enumerable: true, get: () => session.servedBy });
  return result as never;
}

const NO_SCOPE = { run: <T>(fn: () => T) => fn(), end: () => undefined };
const NO_INSTRUMENTATION: Instrumentation = {
  request: () => ({ attempt: () => NO_SCOPE, end: () => undefined }),
};
