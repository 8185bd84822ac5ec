import { randomUUID } from 'node:crypto';
import type { Attempt, BedrockHA, EndpointRef, RequestOptions } from '@bedrock-ha/core';
import { describeFailure, type Failure } from './failure.js';
import type { GatewayRequest, RequestLog, RequestOutcome } from './gateway-api.js';

// A caller's id is echoed into headers and logs: only a plain token is trusted.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The header whose value is a request's affinity key, unless the gateway names another. */
export const DEFAULT_AFFINITY_HEADER = 'x-session-id';
const MAX_KEY_LENGTH = 256;

/** What a route gets: the request, its engine and a place to record what happened, for the log. */
export class RequestContext {
  readonly requestId: string;
  readonly startedAt = performance.now();
  /** The route matched, e.g. `POST /v1/chat/completions`. */
  route = 'unmatched';
  chain: string | undefined;
  private servedBy: EndpointRef | undefined;
  private attempts: readonly Attempt[] | undefined;
  private failure: Failure | undefined;
  private deferred = false;

  /** Whether the caller presented a valid API key (or the gateway has none); public routes ask. */
  authenticated = false;

  /** Path parameters, e.g. the chain of `/model/{chain}/converse`. */
  params: Readonly<Record<string, string>> = {};

  constructor(
    readonly request: GatewayRequest,
    readonly ha: BedrockHA,
    private readonly emit: (entry: RequestLog) => void,
    private readonly affinityHeader = DEFAULT_AFFINITY_HEADER,
  ) {
    const incoming = request.headers['x-request-id'];
    this.requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  }

  /**
   * The engine options of this request: the client's signal, the time it has left and its affinity
   * key: the affinity header (`x-session-id` by default), else `bodyKey` (OpenAI's
   * `prompt_cache_key` or `user`). Keys are cut to 256 characters, which bounds their memory.
   */
  engineOptions(bodyKey?: string | null): RequestOptions {
    const { signal, deadlineMs } = this.request;
    const affinityKey = (this.request.headers[this.affinityHeader] || bodyKey)?.slice(0, MAX_KEY_LENGTH);
    return {
      ...(signal && { signal }),
      ...(deadlineMs !== undefined && { deadlineMs: Math.max(1, deadlineMs) }),
      ...(affinityKey && { affinityKey }),
    };
  }

  /** Headers every response carries; Bedrock routes also get `x-amzn-requestid` for the SDK's `$metadata`. */
  headers(bedrock: boolean): Record<string, string> {
    return { 'x-request-id': this.requestId, ...(bedrock && { 'x-amzn-requestid': this.requestId }) };
  }

  /** Records who served the request and returns the headers that say so. */
  served(result: { servedBy: EndpointRef; attempts: readonly Attempt[] }): Record<string, string> {
    this.servedBy = result.servedBy;
    this.attempts = result.attempts;
    return {
      'x-bedrock-ha-endpoint': result.servedBy.endpointId,
      'x-bedrock-ha-region': result.servedBy.region,
      'x-bedrock-ha-attempts': String(result.attempts.length),
    };
  }

  /**
   * Records who served the request and returns the headers of its OpenAI-format answer, built in
   * one object: {@link headers} (not Bedrock's), {@link served}'s, and `content-type`.
   */
  answerHeaders(
    result: { servedBy: EndpointRef; attempts: readonly Attempt[] },
    contentType: string,
  ): Record<string, string> {
    this.servedBy = result.servedBy;
    this.attempts = result.attempts;
    return {
      'x-request-id': this.requestId,
      'x-bedrock-ha-endpoint': result.servedBy.endpointId,
      'x-bedrock-ha-region': result.servedBy.region,
      'x-bedrock-ha-attempts': String(result.attempts.length),
      'content-type': contentType,
    };
  }

  /** Records a failure; the attempts header when the engine ran. */
  failed(failure: Failure): Record<string, string> {
    this.failure = failure;
    if (failure.attempts) this.attempts = failure.attempts;
    return failure.attempts ? { 'x-bedrock-ha-attempts': String(failure.attempts.length) } : {};
  }

  /** Streams log when they end, not when `handle` returns; true once a route took that over. */
  get logDeferred(): boolean {
    return this.deferred;
  }

  /**
   * Hands the log over to a stream: `handle` will not write it, and the returned function writes
   * it when the stream ends, with the error it ended on.
   */
  deferLog(): (error?: unknown) => void {
    this.deferred = true;
    return (error) => {
      if (error !== undefined) this.failed(describeFailure(error, this.request.signal));
      this.writeLog(200);
    };
  }

  private outcome(status: number): RequestOutcome {
    if (this.failure) return this.failure.status === 499 ? 'client-closed' : 'failed';
    return status >= 400 ? 'failed' : 'completed';
  }

  /** Writes the access-log entry; a throwing logger cannot break the request. */
  writeLog(status: number): void {
    try {
      this.emit(this.logEntry(status));
    } catch {
      // The log is best effort; the client's answer is not.
    }
  }

  /** The access-log entry: names, numbers and outcome, never content or keys. */
  logEntry(status: number): RequestLog {
    return {
      requestId: this.requestId,
      method: this.request.method,
      route: this.route,
      ...(this.chain !== undefined && { chain: this.chain }),
      status,
      outcome: this.outcome(status),
      durationMs: Math.round((performance.now() - this.startedAt) * 10) / 10,
      ...(this.servedBy && { endpointId: this.servedBy.endpointId, region: this.servedBy.region }),
      ...(this.attempts && { attempts: this.attempts.length }),
      ...(this.failure && { error: { name: this.failure.errorName, message: this.failure.message } }),
    };
  }
}
