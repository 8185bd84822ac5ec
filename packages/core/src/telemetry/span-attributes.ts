/** How bedrock-ha's spans are described: attributes of requests and attempts, and failures. */
import { type Attributes, type Exception, type Span, SpanStatusCode } from '@opentelemetry/api';
import type { Endpoint } from '../chain/endpoint.js';
import { isRecord } from '../is-record.js';
import {
  ATTR_AWS_REQUEST_ID,
  ATTR_BEDROCK_HA_ATTEMPT_OUTCOME,
  ATTR_BEDROCK_HA_BREAKER_STATE,
  ATTR_BEDROCK_HA_ERROR_CLASS,
  ATTR_BEDROCK_HA_FAILURE_REASON,
  ATTR_BEDROCK_HA_STRIPPED,
  ATTR_BEDROCK_HA_UNSUPPORTED,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from './attribute-names.js';
import { awsRequestId } from './aws-request-id.js';
import type { AttemptEnd, Usage } from './instrumentation.js';
import { safely } from './metrics.js';

/** Ends an attempt's span with its outcome, reason, breaker state, usage and AWS request id. */
export function endAttempt(span: Span, endpoint: Endpoint, result: AttemptEnd): void {
  const { attempt } = result;
  const attributes: Attributes = {
    [ATTR_BEDROCK_HA_ATTEMPT_OUTCOME]: attempt.outcome,
    [ATTR_BEDROCK_HA_BREAKER_STATE]: result.breakerState,
  };
  if (attempt.reason) attributes[ATTR_BEDROCK_HA_FAILURE_REASON] = attempt.reason;
  if (attempt.errorClass) attributes[ATTR_BEDROCK_HA_ERROR_CLASS] = attempt.errorClass;
  if (attempt.unsupported?.length) attributes[ATTR_BEDROCK_HA_UNSUPPORTED] = [...attempt.unsupported];
  if (attempt.stripped?.length) attributes[ATTR_BEDROCK_HA_STRIPPED] = [...attempt.stripped];
  if (attempt.outcome === 'success') {
    Object.assign(attributes, usageAttributes(result.usage), {
      [ATTR_GEN_AI_RESPONSE_MODEL]: endpoint.modelId,
    });
    if (result.finishReasons) attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [...result.finishReasons];
  }
  if (attempt.outcome === 'failure')
    attributes[ATTR_ERROR_TYPE] = attempt.errorName ?? errorName(result.error);
  const requestId = result.requestId ?? awsRequestId(result.error);
  if (requestId !== undefined) attributes[ATTR_AWS_REQUEST_ID] = requestId;
  safely(() => span.setAttributes(attributes));
  if (attempt.outcome === 'failure')
    markFailed(
      span,
      result.error ?? { name: attempt.errorName, message: attempt.errorMessage },
      attempt.errorMessage,
    );
  safely(() => span.end());
}

/** Records the exception on a span and marks it failed (status ERROR), guarded. */
export function markFailed(span: Span, error: unknown, message: string | undefined): void {
  safely(() => span.recordException(toException(error)));
  safely(() =>
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: message ?? (error as { message?: string })?.message,
    }),
  );
}

/** The GenAI token-usage attributes of an answer's usage. */
export function usageAttributes(usage: Usage | undefined): Attributes {
  const attributes: Attributes = {};
  if (usage?.inputTokens !== undefined) attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.inputTokens;
  if (usage?.outputTokens !== undefined) attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = usage.outputTokens;
  return attributes;
}

/** The GenAI request attributes (max tokens, temperature, top p, stop sequences) of a Converse input. */
export function requestParameters(input: unknown): Attributes {
  const config = isRecord(input) && isRecord(input.inferenceConfig) ? input.inferenceConfig : {};
  const attributes: Attributes = {};
  if (typeof config.maxTokens === 'number') attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = config.maxTokens;
  if (typeof config.temperature === 'number')
    attributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = config.temperature;
  if (typeof config.topP === 'number') attributes[ATTR_GEN_AI_REQUEST_TOP_P] = config.topP;
  if (Array.isArray(config.stopSequences))
    attributes[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = config.stopSequences.filter(
      (sequence) => typeof sequence === 'string',
    );
  return attributes;
}

/** Where the SDK sends the call; the URL's host only, so credentials in it are never recorded. */
export function serverAttributes(endpoint: Endpoint): Attributes {
  const fallback = { [ATTR_SERVER_ADDRESS]: `bedrock-runtime.${endpoint.region}.amazonaws.com` };
  if (!endpoint.client.endpoint) return fallback;
  try {
    const url = new URL(endpoint.client.endpoint);
    const address = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return url.port
      ? { [ATTR_SERVER_ADDRESS]: address, [ATTR_SERVER_PORT]: Number(url.port) }
      : { [ATTR_SERVER_ADDRESS]: address };
  } catch {
    return fallback;
  }
}

/** An error as OpenTelemetry records an exception. */
export function toException(error: unknown): Exception {
  if (error instanceof Error || typeof error === 'string') return error;
  if (isRecord(error))
    return { name: errorName(error), message: typeof error.message === 'string' ? error.message : undefined };
  return String(error);
}

/** The error's name for `error.type`. */
export function errorName(error: unknown): string {
  return isRecord(error) && typeof error.name === 'string' && error.name ? error.name : '_OTHER';
}
