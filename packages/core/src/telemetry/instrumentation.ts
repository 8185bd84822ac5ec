import type { Endpoint, EndpointRef } from '../chain/endpoint.js';
import type { Attempt } from '../errors/attempt.js';

/** The four Bedrock runtime operations bedrock-ha serves. */
export type Operation = 'Converse' | 'ConverseStream' | 'InvokeModel' | 'InvokeModelWithResponseStream';

/** Token counts of an answer. */
export interface Usage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Input tokens read from the prompt cache (Converse's `cacheReadInputTokens`). */
  readonly cacheReadInputTokens?: number;
  /** Input tokens written to the prompt cache (Converse's `cacheWriteInputTokens`). */
  readonly cacheWriteInputTokens?: number;
}

/** What the engine tells instrumentation when a request starts. */
export interface RequestStart {
  readonly chain: string;
  readonly operation: Operation;
  /** The caller's input (without modelId); instrumentation records it only when content capture is on. */
  readonly input: unknown;
}

/** How a request ended. */
export type RequestEnd =
  | {
      readonly outcome: 'success';
      readonly servedBy: EndpointRef;
      readonly attempts: readonly Attempt[];
      readonly usage?: Usage | undefined;
      readonly finishReasons?: readonly string[] | undefined;
      /** The answer text; recorded only when content capture is on. */
      readonly outputText?: string | undefined;
    }
  | { readonly outcome: 'failure'; readonly error: unknown; readonly attempts: readonly Attempt[] };

/** How an attempt ended. */
export interface AttemptEnd {
  readonly attempt: Attempt;
  readonly error?: unknown;
  readonly usage?: Usage | undefined;
  readonly finishReasons?: readonly string[] | undefined;
  /** The AWS request id of the attempt's response (an error's is read from the error). */
  readonly requestId?: string | undefined;
  /** The breaker's state after the attempt. */
  readonly breakerState: 'closed' | 'open' | 'half-open';
}

/** A request in flight, as instrumentation sees it. */
export interface RequestScope {
  /** An attempt starts on `endpoint`. */
  attempt(endpoint: Endpoint, attempt: number): AttemptScope;
  end(result: RequestEnd): void;
}

/** An attempt in flight. */
export interface AttemptScope {
  /** Runs `fn` with the attempt as the active context, so SDK instrumentation nests under it. */
  run<T>(fn: () => T): T;
  end(result: AttemptEnd): void;
}

/**
 * What the engine reports to telemetry. The engine never imports OpenTelemetry: the OTel
 * implementation lives in telemetry.ts and every call into it is guarded, so a throwing exporter or
 * hook cannot change a request's outcome.
 */
export interface Instrumentation {
  request(start: RequestStart): RequestScope;
}

/** An attempt scope that records nothing. */
export const NO_ATTEMPT_SCOPE: AttemptScope = { run: (fn) => fn(), end: () => undefined };

/** A request scope that records nothing. */
export const NO_REQUEST_SCOPE: RequestScope = { attempt: () => NO_ATTEMPT_SCOPE, end: () => undefined };

/** Instrumentation that records nothing: the engine's when telemetry is off. */
export const NO_INSTRUMENTATION: Instrumentation = { request: () => NO_REQUEST_SCOPE };
