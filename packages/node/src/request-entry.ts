import type { Gateway, GatewayOptions } from '@bedrock-ha/http';
import { answerOverloaded, type InFlightLimit } from './in-flight-limit.js';
import type { InFlightRequests } from './in-flight-requests.js';
import { isResponseGone, type NodeRequest, type NodeResponse } from './node-message.js';
import { serveGatewayRequest } from './serve-gateway-request.js';
import type { TurnBudget } from './turn-budget.js';

/** What every request entering the gateway passes through, whichever protocol carried it. */
export interface RequestEntry {
  readonly gateway: Gateway;
  readonly inFlight: InFlightRequests;
  readonly inFlightLimit: InFlightLimit;
  readonly turns: TurnBudget;
  readonly onRequestLog: GatewayOptions['onRequestLog'];
  /** Answers a handler's bug (a rejected promise) for `response`. */
  readonly onUnhandled: (error: unknown, response: NodeResponse) => void;
}

/**
 * The one handler for HTTP/1.1 and h2c requests: counts the request for the shutdown drain, takes
 * its `maxInFlight` place (none free: a 503, without an upstream call), and answers it within the
 * per-turn budget, refusals included, so they cannot crowd a turn either (a request whose client
 * left while it waited is dropped without work). A model call that would wait longer than the
 * budget's `maxWaitMs` for its turn is refused with the same retryable 503 instead.
 */
export function requestHandler(entry: RequestEntry): (request: NodeRequest, response: NodeResponse) => void {
  const { gateway, inFlight, inFlightLimit, turns, onRequestLog, onUnhandled } = entry;
  const overloaded = (request: NodeRequest, response: NodeResponse, reason?: string) =>
    answerOverloaded(gateway, request, response, {
      maxInFlight: inFlightLimit.max,
      ...(reason !== undefined && { reason }),
      onRequestLog,
    }).catch((error: unknown) => onUnhandled(error, response));
  return (request, response) => {
    inFlight.track(response);
    // Decided on arrival, so a waiting request holds its place; answered in its turn, like the rest.
    const admitted = inFlightLimit.admit(request, response);
    turns.run({
      start: () => {
        if (!admitted) {
          void overloaded(request, response);
          return;
        }
        serveGatewayRequest(gateway, request, response, { onRequestLog }).catch((error: unknown) =>
          onUnhandled(error, response),
        );
      },
      gone: () => isResponseGone(response),
      ...(request.method === 'POST' && {
        refuse: (behindMs: number) =>
          void overloaded(
            request,
            response,
            `The gateway is ${Math.round(behindMs)} ms behind on queued requests (its bound is ${turns.maxWaitMs} ms); retry in a second.`,
          ),
      }),
    });
  };
}
