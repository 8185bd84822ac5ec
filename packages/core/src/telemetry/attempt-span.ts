import { type Attributes, type Context, context, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { type Endpoint, endpointRef } from '../chain/endpoint.js';
import {
  ATTR_BEDROCK_HA_ATTEMPT,
  ATTR_BEDROCK_HA_ATTEMPT_OUTCOME,
  ATTR_BEDROCK_HA_CHAIN,
  ATTR_BEDROCK_HA_FAILURE_REASON,
  ATTR_GEN_AI_REQUEST_MODEL,
} from './attribute-names.js';
import type { AttemptScope } from './instrumentation.js';
import { endpointAttributes, safely, type TelemetryMetrics } from './metrics.js';
import { endAttempt, serverAttributes } from './span-attributes.js';

/** What an attempt's span takes from its request's. */
export interface AttemptParent {
  readonly chain: string;
  /** Attributes both the request span and its attempt spans carry. */
  readonly common: Attributes;
  /** The context attempts start in: the request span's, when there is one. */
  readonly context: Context;
}

/**
 * Starts an attempt's `chat {modelId}` CLIENT span under its request's, and counts the attempt in
 * the metrics when it ends (once). Every OpenTelemetry call is guarded.
 */
export function startAttemptSpan(
  tracer: Tracer,
  recorder: TelemetryMetrics,
  parent: AttemptParent,
  endpoint: Endpoint,
  attempt: number,
): AttemptScope {
  const ref = endpointRef(endpoint);
  recorder.endpointSeen(ref);
  const span = safely(() =>
    tracer.startSpan(
      `chat ${endpoint.modelId}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          ...parent.common,
          [ATTR_GEN_AI_REQUEST_MODEL]: endpoint.modelId,
          ...endpointAttributes(ref),
          ...serverAttributes(endpoint),
          [ATTR_BEDROCK_HA_ATTEMPT]: attempt,
        },
      },
      parent.context,
    ),
  );
  const active = span && safely(() => trace.setSpan(parent.context, span));
  let ended = false;
  return {
    run: (fn) => runIn(active, fn),
    end: (result) => {
      if (ended) return;
      ended = true;
      safely(() => {
        if (span) endAttempt(span, endpoint, result);
        const { outcome, reason } = result.attempt;
        recorder.attempt({
          [ATTR_BEDROCK_HA_CHAIN]: parent.chain,
          ...endpointAttributes(ref),
          [ATTR_BEDROCK_HA_ATTEMPT_OUTCOME]: outcome,
          ...(reason ? { [ATTR_BEDROCK_HA_FAILURE_REASON]: reason } : {}),
        });
      });
    },
  };
}

/** Runs `fn` exactly once, inside `active` when the context manager cooperates. */
function runIn<T>(active: Context | undefined, fn: () => T): T {
  if (!active) return fn();
  let called = false;
  let returned = false;
  let value: T | undefined;
  try {
    return context.with(active, () => {
      called = true;
      value = fn();
      returned = true;
      return value;
    });
  } catch (error) {
    // Only the caller's own error may escape; a context manager that failed around it is ignored.
    if (returned) return value as T;
    if (called) throw error;
    return fn();
  }
}
