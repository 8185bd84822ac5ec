import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestLog, RequestOutcome } from '@bedrock-ha/http';
import type { LambdaContext } from './lambda-types.js';

/**
 * One structured log line, after AWS Lambda Powertools' standard keys (`level`, `message`,
 * `timestamp`, `service`, `cold_start`, `function_*`, `xray_trace_id`) plus the request's outcome.
 * Never holds prompt or completion text, credentials or API keys.
 */
export interface LambdaLogEntry {
  readonly level: 'INFO' | 'WARN' | 'ERROR';
  readonly message: string;
  readonly timestamp: string;
  readonly service: string;
  readonly cold_start?: boolean;
  readonly function_name?: string;
  readonly function_request_id?: string;
  readonly xray_trace_id?: string;
  /** The gateway's `x-request-id` (HTTP) or the Lambda request id (direct invoke). */
  readonly requestId?: string;
  readonly route?: string;
  readonly chain?: string;
  readonly status?: number;
  /**
   * How the request ended. `failed` includes a stream that had sent its 200 and then ended on an
   * error frame (a timeout, an interrupted stream), which is why the level follows it.
   */
  readonly outcome?: RequestOutcome;
  readonly endpoint?: string;
  readonly region?: string;
  readonly attempts?: number;
  readonly durationMs?: number;
  readonly error?: { readonly name: string; readonly message: string };
}

/** Where log entries go. The default writes one JSON line to stdout, which Lambda sends to CloudWatch. */
export type LambdaLogger = (entry: LambdaLogEntry) => void;

/** Writes an entry as one JSON line on stdout. */
export const jsonLineLogger: LambdaLogger = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

/** The logger a handler's options select: theirs, none for `false`, else JSON lines on stdout. */
export function selectLogger(options: { readonly logger?: LambdaLogger | false }): LambdaLogger | undefined {
  return options.logger === false ? undefined : (options.logger ?? jsonLineLogger);
}

/**
 * ERROR for a failure of ours (a 5xx, or a stream that failed after its 200), WARN for a 4xx; a
 * client that went away (nginx's 499) is not a failure of the function.
 */
function levelOf(status: number, outcome: RequestOutcome | undefined): LambdaLogEntry['level'] {
  if (outcome === 'client-closed') return 'INFO';
  if (status >= 500) return 'ERROR';
  if (status >= 400) return 'WARN';
  return outcome === 'failed' ? 'ERROR' : 'INFO';
}

interface Invocation {
  readonly context: LambdaContext;
  readonly coldStart: boolean;
}

// The gateway reports a request after its stream ends, from inside the adapter's write loop, so
// the invocation it belongs to is found through the async context rather than passed along.
const current = new AsyncLocalStorage<Invocation>();
let coldStart = true;

/** Runs one invocation with its context available to {@link logEntry}. */
export function runInvocation<T>(context: LambdaContext, body: () => Promise<T>): Promise<T> {
  const invocation = { context, coldStart };
  coldStart = false;
  return current.run(invocation, body);
}

/** A log entry with the current invocation's envelope filled in. */
export function logEntry(fields: Omit<LambdaLogEntry, 'timestamp' | 'service' | 'level'>): LambdaLogEntry {
  const invocation = current.getStore();
  return {
    level: levelOf(fields.status ?? 0, fields.outcome),
    timestamp: new Date().toISOString(),
    service: process.env.POWERTOOLS_SERVICE_NAME ?? 'bedrock-ha',
    cold_start: invocation?.coldStart,
    function_name: invocation?.context.functionName,
    function_request_id: invocation?.context.awsRequestId,
    xray_trace_id: process.env._X_AMZN_TRACE_ID,
    ...fields,
  };
}

/** The gateway's access-log record as a Lambda log entry. */
export function requestLogEntry(record: RequestLog): LambdaLogEntry {
  return logEntry({
    message: 'request',
    requestId: record.requestId,
    route: record.route,
    chain: record.chain,
    status: record.status,
    outcome: record.outcome,
    endpoint: record.endpointId,
    region: record.region,
    attempts: record.attempts,
    durationMs: Math.round(record.durationMs),
    error: record.error,
  });
}
