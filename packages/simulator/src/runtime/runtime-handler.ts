import { validationError } from '../errors.js';
import type { Exchange } from '../exchange.js';
import type { FaultPlan } from '../fault-injector.js';
import type { Prompt, Reply } from '../responder.js';
import type { Target } from '../target.js';

/** One call in progress, as an operation's handler sees it. */
export interface Call {
  exchange: Exchange;
  target: Target;
  plan: FaultPlan;
  /** Milliseconds since the request arrived. */
  elapsedMs(): number;
  /** Content events a stream has sent so far, which is what a cut stream is charged for. */
  deliveredTokens?: number;
}

/** How a stream or response ended, for stats: `success`, `stream-cut`, an error name, or `aborted`. */
export type Outcome = string;

/** What each runtime operation implements; the shared pipeline does the rest. */
export interface RuntimeHandler {
  /** Parses and validates the request body, or throws a ValidationException. */
  parse(body: Buffer, call: Call): Prompt;
  /** Writes the answer, honouring the plan's stream faults and the model's pacing. */
  respond(call: Call, reply: Reply): Promise<Outcome>;
  /** Writes a well-formed-looking but broken answer. */
  malformed(call: Call, variant: 'truncated-json' | 'html' | 'bad-crc', reply: Reply): Promise<void> | void;
}

/** A 502 from a proxy between the client and Bedrock: HTML, not JSON. */
export function sendHtmlError(exchange: Exchange): void {
  exchange.send(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', { 'content-type': 'text/html' });
}

/** Parses a JSON request body, or throws the ValidationException Bedrock gives. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // fall through to the same error as a non-object body
  }
  throw validationError('Malformed input request, please reformat your input and try again.');
}
