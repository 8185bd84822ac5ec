import {
  ConverseCommand,
  type ConverseCommandOutput,
  ConverseStreamCommand,
  type ConverseStreamCommandOutput,
  type ConverseStreamOutput,
  InvokeModelCommand,
  type InvokeModelCommandOutput,
  InvokeModelWithResponseStreamCommand,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import type {
  BedrockHA,
  BedrockHAOptions,
  ConverseStreamInput,
  RequestOptions,
  Served,
} from './bedrock-ha-api.js';
import type { RunnerContext, RunnerRequest, Step } from './chain/chain-request.js';
import { type Chain, type Endpoint, type EndpointRef, endpointRef } from './chain/endpoint.js';
import { RequestClock } from './chain/request-clock.js';
import { endpointOrder } from './chain/routing.js';
import { runChain } from './chain/run-chain.js';
import type { BedrockHAConfig } from './config/config-schema.js';
import { resolveConfig } from './config/resolve-config.js';
import { DropInClient } from './drop-in/drop-in-client.js';
import type { Attempt } from './errors/attempt.js';
import { UnknownChainError } from './errors/unknown-chain-error.js';
import { EndpointState } from './policies/endpoint-policies.js';
import { classifyError } from './policies/error-classification.js';
import { withMiddleware } from './sdk/attempt-middleware.js';
import { ClientPool, defaultClientFactory } from './sdk/client-pool.js';
import { recordResponseHeaders } from './sdk/response-headers.js';
import { trackSend } from './sdk/send-stage.js';
import { continuationFilter, continuationInput } from './streaming/converse-resume.js';
import {
  converseEventInfo,
  invokeBodyInfo,
  invokeChunkInfo,
  type StreamEventInfo,
} from './streaming/model-output.js';
import { type SendStream, streamStep } from './streaming/stream-attempt.js';
import { type Resumption, StreamSession } from './streaming/stream-session.js';
import { EventHub } from './telemetry/events.js';
import { type Instrumentation, NO_INSTRUMENTATION, type Operation } from './telemetry/instrumentation.js';
import { createTelemetry } from './telemetry/otel-telemetry.js';

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
  // The chains that route to each endpoint, for health(); an id appears once per chain.
  const chainsOf = new Map<string, string[]>();
  for (const chain of resolved.chains.values())
    for (const endpoint of chain.endpoints) {
      if (!states.has(endpoint.id))
        states.set(endpoint.id, new EndpointState(endpoint, classify, resolved.retryBudget, events));
      chainsOf.set(endpoint.id, [...(chainsOf.get(endpoint.id) ?? []), chain.name]);
    }
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
    errors: [],
  });
  const clientOf = (endpoint: Endpoint) => clients.of(endpoint);

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
      const answer = await runChain(
        contextFor(chain),
        run,
        endpointOrder(chain, states, random),
        { ...step, timeoutMs: (endpoint) => endpoint.policy.timeouts.attemptMs },
        chain.hedgeAfterMs,
      );
      const servedBy = endpointRef(answer.endpoint);
      const details = step.describe(answer.value);
      run.scope.end({ outcome: 'success', servedBy, attempts: run.attempts, ...details });
      return Object.assign(answer.value, { servedBy, attempts: run.attempts });
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
      const answer = await runChain(
        context,
        run,
        endpoints,
        streamStep(send, info, run.clock),
        chain.hedgeAfterMs,
      );
      const session = new StreamSession<E>({
        context,
        request: run,
        served: answer,
        order: endpoints,
        info,
        caller: request.signal,
        resume: resume?.(() => new RequestClock(request.signal, request.deadlineMs ?? chain.deadlineMs)),
      });
      return {
        session,
        metadata: answer.value.metadata,
        fields: answer.value.fields,
        attempts: run.attempts,
      };
    } catch (error) {
      run.scope.end({ outcome: 'failure', error, attempts: run.attempts });
      throw error;
    } finally {
      run.clock.dispose();
    }
  }

  let dropIn: DropInClient | undefined;
  const ha: BedrockHA = {
    ...events.api,
    chains: [...resolved.chains.keys()],

    converse: (chain, input, request = {}) =>
      unary<ConverseCommandOutput>(chain, 'Converse', input, request, {
        call: (endpoint, signal) =>
          clientOf(endpoint).send(
            trackSend(
              withMiddleware(
                new ConverseCommand({ ...input, modelId: endpoint.modelId }),
                request.middleware,
              ),
            ),
            { abortSignal: signal },
          ),
        describe: (output) => ({
          usage: output.usage,
          finishReasons: output.stopReason ? [output.stopReason] : [],
          outputText: output.output?.message?.content?.map((block) => block.text ?? '').join(''),
        }),
      }),

    invokeModel: (chain, input, request = {}) =>
      unary<InvokeModelCommandOutput>(chain, 'InvokeModel', input, request, {
        call: (endpoint, signal) =>
          clientOf(endpoint).send(
            trackSend(
              withMiddleware(
                recordResponseHeaders(new InvokeModelCommand({ ...input, modelId: endpoint.modelId })),
                request.middleware,
              ),
            ),
            { abortSignal: signal },
          ),
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
          clientOf(endpoint).send(
            trackSend(
              withMiddleware(
                new ConverseStreamCommand({ ...modelInput, modelId: endpoint.modelId }),
                request.middleware,
              ),
            ),
            { abortSignal: signal },
          );
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
          const { body, $metadata, ...fields } = await clientOf(endpoint).send(
            trackSend(
              withMiddleware(
                recordResponseHeaders(
                  new InvokeModelWithResponseStreamCommand({ ...input, modelId: endpoint.modelId }),
                ),
                request.middleware,
              ),
            ),
            { abortSignal: signal },
          );
          // contentType, performanceConfigLatency, serviceTier, responseHeaders: the first answer's.
          return { stream: body, $metadata, fields };
        },
        invokeChunkInfo,
        undefined,
      );
      return sessionResult(opened, 'body');
    },

    // Built on first use: constructing an SDK client costs a few milliseconds that apps which
    // never use the drop-in client should not pay.
    get client() {
      if (!dropIn) {
        const [first] = resolved.chains.values();
        dropIn = new DropInClient({
          engine: ha,
          endpoint: first!.endpoints[0]!,
          closeConnections: () => clients.destroy(),
        });
      }
      return dropIn;
    },
    health: () => [...states.values()].map((state) => state.health(chainsOf.get(state.endpoint.id) ?? [])),
    destroy() {
      clients.destroy();
      telemetry?.dispose();
    },
  };
  return ha;
}

function sessionResult<E, K extends 'stream' | 'body'>(
  opened: {
    session: StreamSession<E>;
    metadata: ConverseStreamCommandOutput['$metadata'];
    fields: Readonly<Record<string, unknown>>;
    attempts: readonly Attempt[];
  },
  key: K,
) {
  const { session } = opened;
  const result = {
    ...opened.fields,
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
