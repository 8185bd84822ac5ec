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
 * The one handler for HTTP/1.1 and h2c requests: counts the request for the shutdown drain,
 * refuses it at once with a 503 past `maxInFlight`, else serves it within the per-turn budget (a
 * request whose client left while it waited is dropped without work).
 */
export function requestHandler(entry: RequestEntry): (request: NodeRequest, response: NodeResponse) => void {
  const { gateway, inFlight, inFlightLimit, turns, onRequestLog, onUnhandled } = entry;
  return (request, response) => {
    inFlight.track(response);
    if (!inFlightLimit.admit(request, response)) {
      answerOverloaded(gateway, request, response, { maxInFlight: inFlightLimit.max, onRequestLog }).catch(
        (error: unknown) => onUnhandled(error, response),
      );
      return;
    }
    turns.run({
      start: () => {
        serveGatewayRequest(gateway, request, response, { onRequestLog }).catch((error: unknown) =>
          onUnhandled(error, response),
        );
      },
      gone: () => isResponseGone(response),
    });
  };
}
