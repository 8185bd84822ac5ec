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
 * left while it waited is dropped without work).
 */
export function requestHandler(entry: RequestEntry): (request: NodeRequest, response: NodeResponse) => void {
  const { gateway, inFlight, inFlightLimit, turns, onRequestLog, onUnhandled } = entry;
  return (request, response) => {
    inFlight.track(response);
    // Decided on arrival, so a waiting request holds its place; answered in its turn, like the rest.
    const admitted = inFlightLimit.admit(request, response);
    turns.run({
      start: () => {
        const served = admitted
          ? serveGatewayRequest(gateway, request, response, { onRequestLog })
          : answerOverloaded(gateway, request, response, { maxInFlight: inFlightLimit.max, onRequestLog });
        served.catch((error: unknown) => onUnhandled(error, response));
      },
      gone: () => isResponseGone(response),
    });
  };
}
