import type {
  ConverseCommandInput,
  ConverseCommandOutput,
  ConverseStreamCommandInput,
  ConverseStreamCommandOutput,
  ConverseStreamOutput,
  InvokeModelCommandInput,
  InvokeModelCommandOutput,
  InvokeModelWithResponseStreamCommandInput,
  InvokeModelWithResponseStreamCommandOutput,
  ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { EndpointRef } from './chain/endpoint.js';
import type { DropInClient } from './drop-in/drop-in-client.js';
import type { Attempt } from './errors/attempt.js';
import type { Random } from './policies/backoff.js';
import type { EndpointHealth } from './policies/endpoint-policies.js';
import type { ErrorClassifier } from './policies/error-classification.js';
import type { AttemptMiddleware } from './sdk/attempt-middleware.js';
import type { ClientFactory } from './sdk/client-pool.js';
import type { WithResponseHeaders } from './sdk/response-headers.js';
import type { withLocalFallback } from './state/local-fallback-store.js';
import type { MemoryStateStore } from './state/memory-state-store.js';
import type { StateStore } from './state/state-store.js';
import type { BedrockHAEvents } from './telemetry/events.js';

/** Options of `createBedrockHA` beyond the configuration. */
export interface BedrockHAOptions {
  /** Builds the SDK client of each region (default: keep-alive HTTP/1.1, `maxAttempts: 1`). */
  readonly clientFactory?: ClientFactory;
  /** Overrides the error taxonomy; return `undefined` to fall back to `classifyError`. */
  readonly classifyError?: ErrorClassifier;
  /** OpenTelemetry providers (default: the global ones), or `false` for no telemetry. */
  readonly telemetry?: { tracerProvider?: TracerProvider; meterProvider?: MeterProvider } | false;
  /** Random source of the backoff jitter and weighted routing; seed it in tests. */
  readonly random?: Random;
  /**
   * Where breaker state, retry budgets and usage counters live (default: a new
   * {@link MemoryStateStore} of this engine's own). Engines given one store share that state.
   * The engine wraps it with {@link withLocalFallback} (default bounds) unless it is wrapped
   * already, so a failing or slow store never fails a request.
   */
  readonly stateStore?: StateStore;
  /**
   * The clock of daily-quota parking and of the default state store, epoch ms (default
   * `Date.now`); inject one in tests.
   */
  readonly now?: () => number;
  /**
   * Derives the affinity key of requests that do not pass one in {@link RequestOptions.affinityKey}
   * (for example from the input's `requestMetadata`), such as those sent through `ha.client`;
   * `undefined` for none.
   */
  readonly affinityKey?: (request: { readonly chain: string; readonly input: unknown }) => string | undefined;
}

/** Per-request options. */
export interface RequestOptions {
  /** Cancels the request, down to the socket; the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Overrides the chain's deadline for this request (ms); for a stream, until its first content. */
  readonly deadlineMs?: number;
  /**
   * SDK middleware added to every attempt's command, so it runs on each attempt's real request
   * (after the endpoint client's own stack): extra headers, request logging. `ha.client` passes
   * its `middlewareStack` and the sent command's here.
   */
  readonly middleware?: AttemptMiddleware;
  /**
   * Prompt-cache affinity: requests with the same key (a session or conversation id) go to the
   * endpoint that served the key last, while it is ready and has capacity, so that they hit the
   * prompt cache written there. Applies to `weighted` and `adaptive` chains (see the config's
   * `affinity`); overrides {@link BedrockHAOptions.affinityKey}.
   */
  readonly affinityKey?: string;
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
export type InvokeModelResult = InvokeModelCommandOutput & Served & WithResponseHeaders;
/** The SDK's InvokeModelWithResponseStream output, and who serves it. */
export type InvokeModelWithResponseStreamResult = InvokeModelWithResponseStreamCommandOutput &
  Served &
  WithResponseHeaders & { body: AsyncIterable<ResponseStream> };

/** Fallback chains over Amazon Bedrock. Create one per process with `createBedrockHA`. */
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
  /**
   * A `BedrockRuntimeClient` (a subclass) whose `send(command)` reads `modelId` as a chain name;
   * see the README's "Drop-in client" for the surface it supports.
   */
  readonly client: DropInClient;
  /** The names of the configured chains. */
  readonly chains: readonly string[];
  /** Breaker state, load and retry budget of every endpoint. */
  health(): EndpointHealth[];
  /** Closes the SDK clients' connections and stops telemetry. */
  destroy(): void;
}
