import type { CorsOptions } from './cors.js';

/**
 * One HTTP request, as any framework or event source can describe it. Adapters (Express, Lambda)
 * build this from their own request shape; the gateway never sees a framework object.
 */
export interface GatewayRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The path without the query string, e.g. `/v1/chat/completions` or `/model/chat/converse`. */
  readonly path: string;
  /** Header names in lower case. Repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, or `undefined` when there is none. */
  readonly body: Uint8Array | string | undefined;
  /**
   * Aborted when the client goes away (Express: the socket closes; Lambda: the time runs out).
   * The gateway hands it to the engine, so the upstream Bedrock call stops too.
   */
  readonly signal?: AbortSignal;
  /** The time left for the whole request in ms, e.g. a Lambda's remaining time minus a margin. */
  readonly deadlineMs?: number;
}

/** What an adapter knows of a request before it reads the body. */
export type GatewayRequestHead = Pick<GatewayRequest, 'method' | 'path' | 'headers'>;

/**
 * What {@link Gateway.authorize} decided before the body was read: answer now (a 401, whose body
 * the adapter then discards unread), or read the body up to `maxBodyBytes` and call `handle`.
 */
export type GatewayAdmission =
  | { readonly kind: 'answer'; readonly response: GatewayResponse }
  | { readonly kind: 'read-body'; readonly maxBodyBytes: number };

/**
 * The gateway's answer. A streaming body is an async iterable: the adapter writes each chunk as it
 * arrives and pulls the next one only when the client has taken the last (backpressure), and calls
 * `return()` on the iterator when the client disconnects.
 */
export interface GatewayResponse {
  readonly status: number;
  /** Header names in lower case. Always includes `content-type` and `x-request-id`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | AsyncIterable<Uint8Array>;
}

/** How a request ended, for {@link RequestLog.outcome}. */
export type RequestOutcome = 'completed' | 'failed' | 'client-closed';

/** Where the gateway reports each finished request. Never given prompt or completion text. */
export interface RequestLog {
  readonly requestId: string;
  readonly method: string;
  /** The route matched, e.g. `POST /v1/chat/completions`, or `unmatched`. */
  readonly route: string;
  readonly chain?: string;
  /** The HTTP status sent; a stream that fails after it started keeps its 200 (see `outcome`). */
  readonly status: number;
  /**
   * How the request ended: `completed`, `failed` (an error response, or a stream that ended on an
   * error frame: log it as an error) or `client-closed` (the client went away first). The gateway
   * always sets it; optional so an adapter's own entries (a body it refused) type-check without it.
   */
  readonly outcome?: RequestOutcome;
  readonly durationMs: number;
  /** The endpoint that answered, when one did. */
  readonly endpointId?: string;
  readonly region?: string;
  readonly attempts?: number;
  /** The error's name and message for a failed request (never a credential or prompt text). */
  readonly error?: { readonly name: string; readonly message: string };
}

/** Options for {@link createGateway}. */
export interface GatewayOptions {
  /**
   * API keys accepted as `Authorization: Bearer <key>` or `x-api-key: <key>`, compared in constant
   * time. Empty or absent: no authentication (only for a gateway behind its own auth).
   */
  readonly apiKeys?: readonly string[];
  /** The largest request body accepted, in bytes. Default 1 MiB (Bedrock's own limit is larger for documents). */
  readonly maxBodyBytes?: number;
  /** Called once per finished request (after a stream ends), for access logs. */
  readonly onRequestLog?: (entry: RequestLog) => void;
  /**
   * Lets pages on other origins call the gateway from a browser: preflights (OPTIONS) from an
   * allowed origin are answered before the key check, and every response to one carries
   * `access-control-allow-origin`. Off by default.
   */
  readonly cors?: CorsOptions;
  /**
   * Serves the live dashboard: `GET /dashboard` (a page with every asset inline) and
   * `GET /dashboard/data` (its JSON), behind the API keys like every route. Default true.
   */
  readonly dashboard?: boolean;
  /**
   * Serves `GET /metrics` behind the API keys: the Prometheus text format this returns (e.g. the
   * Node server's Prometheus exposition). Absent: `/metrics` is a 404.
   */
  readonly metrics?: () => Promise<string>;
  /**
   * The request header whose value is the affinity key (lower case): requests with one key stay on
   * the endpoint that served it last, for prompt-cache hits. Default `x-session-id`; OpenAI
   * requests without it use `prompt_cache_key`, else `user`.
   */
  readonly affinityHeader?: string;
}

/** A framework-free HTTP front end over a bedrock-ha engine. */
export interface Gateway {
  /** Answers one request. Never rejects: every failure becomes an error response. */
  handle(request: GatewayRequest): Promise<GatewayResponse>;
  /**
   * Checks the API key from the headers alone, before the adapter reads the body, so a caller
   * without a key cannot make it buffer one. A refused request is logged here and answered with
   * `response`; an admitted one is read up to its `maxBodyBytes` (64 KiB on a public route for a
   * caller without a key) and passed to `handle`, which checks again. Adapters that get the body
   * with the request (Lambda) need not call it.
   */
  authorize(request: GatewayRequestHead): GatewayAdmission;
  /** The body limit in bytes, so an adapter can stop reading an oversized body early. */
  readonly maxBodyBytes: number;
  /**
   * An error response in the gateway's format for failures the adapter meets before it can call
   * `handle` (body too large, body unreadable, too many requests in flight).
   */
  errorResponse(path: string, error: GatewayError): GatewayResponse;
  /** Unsubscribes from the engine's events. Does not destroy the engine. */
  close(): void;
}

/** A failure an adapter can report through {@link Gateway.errorResponse}. */
export type GatewayError =
  | { readonly kind: 'payload-too-large'; readonly limitBytes: number }
  | { readonly kind: 'bad-request'; readonly message: string }
  /**
   * The adapter has `maxInFlight` requests in flight already, or is too far behind to start one
   * soon (`message` then says why): a 503 with `retry-after: 1`, which the OpenAI SDKs and the AWS
   * SDK retry (`ServiceUnavailableException` on the Bedrock routes).
   */
  | { readonly kind: 'overloaded'; readonly maxInFlight: number; readonly message?: string };
