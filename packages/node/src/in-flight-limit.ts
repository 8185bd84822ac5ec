import type { Gateway, GatewayOptions } from '@bedrock-ha/http';
import { answerUnread } from './answer-unread.js';
import type { NodeRequest, NodeResponse } from './node-message.js';
import { readRequestBody } from './read-request-body.js';
import { writeGatewayResponse } from './write-gateway-response.js';

/** The default of `maxInFlight`: model calls answered at once before new ones are refused. */
export const DEFAULT_MAX_IN_FLIGHT = 1_000;

/**
 * Bounds the model calls (POST requests) being answered at once. Past the bound a request is
 * refused at once with a retryable 503, rather than queued behind the others for seconds while the
 * clients' own timeouts run out; GET routes (health, models) are never refused, so a load
 * balancer's health check still reads the truth.
 */
export class InFlightLimit {
  private count = 0;

  /** @throws RangeError when `max` is not a positive whole number. */
  constructor(readonly max: number = DEFAULT_MAX_IN_FLIGHT) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`maxInFlight must be a positive whole number, got ${max}`);
  }

  /** The model calls being answered. */
  get size(): number {
    return this.count;
  }

  /** Takes a place for `request` until its response closes; `false` when none is free. */
  admit(request: NodeRequest, response: NodeResponse): boolean {
    if (request.method !== 'POST') return true;
    if (this.count >= this.max) return false;
    this.count++;
    response.once('close', () => {
      this.count--;
    });
    return true;
  }
}

/**
 * Answers a request refused by an {@link InFlightLimit}: a 503 with `retry-after: 1` in the route's
 * error format, logged as the gateway logs its own answers. The (bounded) body is read and dropped
 * first, so the HTTP/1.1 connection stays open for the client's retry.
 */
export async function answerOverloaded(
  gateway: Gateway,
  request: NodeRequest,
  response: NodeResponse,
  options: {
    readonly maxInFlight: number;
    /** Why, when it is not the `maxInFlight` bound (the turn queue's wait): said to the client and logged. */
    readonly reason?: string;
    readonly onRequestLog?: GatewayOptions['onRequestLog'];
  },
): Promise<void> {
  const started = performance.now();
  const method = request.method ?? 'POST';
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const answer = gateway.errorResponse(path, {
    kind: 'overloaded',
    maxInFlight: options.maxInFlight,
    ...(options.reason !== undefined && { message: options.reason }),
  });
  const read = await readRequestBody(request, gateway.maxBodyBytes);
  if (read.kind === 'read') await writeGatewayResponse(response, answer);
  else await answerUnread(request, response, answer, { bytes: 2 * gateway.maxBodyBytes, ms: 5_000 });
  options.onRequestLog?.({
    requestId: answer.headers['x-request-id'] ?? '',
    method,
    route: `${method} ${path}`,
    status: answer.status,
    durationMs: performance.now() - started,
    error: {
      name: 'OverloadedError',
      message: options.reason ?? `${options.maxInFlight} requests in flight`,
    },
  });
}
