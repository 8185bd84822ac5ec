import { type BedrockHA, ConfigError } from '@bedrock-ha/core';
import { type CorsOptions, createGateway, type Gateway, type GatewayResponse } from '@bedrock-ha/http';
import { apiGatewayV1Processor } from './api-gateway-v1-processor.js';
import { apiGatewayV2Processor } from './api-gateway-v2-processor.js';
import type { HttpEventProcessor, HttpRequestParts } from './http-event.js';
import { InvalidEventError } from './invalid-event-error.js';
import type { BudgetOptions } from './invocation-budget.js';
import type { EngineSource } from './lambda-engine.js';
import { type LambdaLogger, requestLogEntry, selectLogger } from './request-log.js';

/** Options shared by the HTTP handlers. */
export interface HttpHandlerOptions extends EngineSource, BudgetOptions {
  /**
   * API keys accepted as `Authorization: Bearer <key>` or `x-api-key`. Default: the comma-separated
   * `BEDROCK_HA_API_KEYS` variable; none means no key check (a Function URL with AWS_IAM auth, or
   * an HTTP API with its own authorizer, already authenticates callers).
   */
  readonly apiKeys?: readonly string[];
  /** The largest request body accepted, in bytes (default: the gateway's, 1 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * Browser access from other origins (the gateway's `cors`). Default: the comma-separated
   * `BEDROCK_HA_CORS_ORIGINS` variable; none means no CORS. Leave it off when the Function URL's or
   * API Gateway's own CORS setting answers preflights.
   */
  readonly cors?: CorsOptions;
  /** Where the one-line-per-request logs go (default: JSON lines on stdout); `false` for none. */
  readonly logger?: LambdaLogger | false;
}

/** An HTTP event as request data, by the processor for its shape; `undefined` for other events. */
export function httpRequestParts(event: unknown): HttpRequestParts | undefined {
  return translate(apiGatewayV2Processor, event) ?? translate(apiGatewayV1Processor, event);
}

function translate<E>(processor: HttpEventProcessor<E>, event: unknown): HttpRequestParts | undefined {
  return processor.matches(event) ? processor.toRequest(event) : undefined;
}

/** The message for an event no handler serves. */
export function unknownEventError(event: unknown, accepts: string): InvalidEventError {
  const keys = typeof event === 'object' && event !== null ? Object.keys(event).slice(0, 8) : [];
  return new InvalidEventError(
    `The event is not ${accepts} (got ${
      keys.length ? `an object with keys ${keys.join(', ')}` : typeof event
    }); send it through a Function URL or API Gateway proxy integration, or invoke with { "chain": "<chain name>", "input": { "messages": [...] } }`,
  );
}

/**
 * The API keys: the option, else `BEDROCK_HA_API_KEYS`. A variable that is set but holds no key
 * (`" , ,"`) is a mistake, not a wish for an open gateway.
 * @throws ConfigError for such a variable.
 */
export function lambdaApiKeys(options: HttpHandlerOptions): readonly string[] | undefined {
  if (options.apiKeys) return options.apiKeys;
  const variable = (options.env ?? process.env).BEDROCK_HA_API_KEYS;
  if (variable === undefined) return undefined;
  const keys = listOf(variable);
  if (keys.length > 0) return keys;
  throw new ConfigError(
    [
      {
        path: '',
        message: 'BEDROCK_HA_API_KEYS is set but holds no key',
        fix: 'give comma-separated keys (key1,key2), or remove the variable when the function URL or API authenticates callers itself',
      },
    ],
    'BEDROCK_HA_API_KEYS',
  );
}

/** A gateway over the engine whose access log goes to the Lambda logger; `apiKeys` from {@link lambdaApiKeys}. */
export function lambdaGateway(
  ha: BedrockHA,
  options: HttpHandlerOptions,
  apiKeys: readonly string[] | undefined,
): Gateway {
  const logger = selectLogger(options);
  const envOrigins = (options.env ?? process.env).BEDROCK_HA_CORS_ORIGINS;
  const cors = options.cors ?? (envOrigins ? { allowedOrigins: listOf(envOrigins) } : undefined);
  return createGateway(ha, {
    apiKeys,
    maxBodyBytes: options.maxBodyBytes,
    ...(cors && { cors }),
    onRequestLog: logger && ((record) => logger(requestLogEntry(record))),
  });
}

/**
 * Answers one translated HTTP request within the invocation's budget: `deadlineMs` for the engine,
 * and `signal`, which stops the request when the time is up or the client has gone away.
 */
export function serveHttp(
  gateway: Gateway,
  parts: HttpRequestParts,
  budget: { readonly signal: AbortSignal; readonly deadlineMs: number },
): Promise<GatewayResponse> {
  return gateway.handle({ ...parts, signal: budget.signal, deadlineMs: budget.deadlineMs });
}

/** A comma-separated list (keys, origins), trimmed, empty entries left out. */
function listOf(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
