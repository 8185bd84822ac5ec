import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestLog } from '@bedrock-ha/http';
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
  const status = fields.status ?? 0;
  return {
    level: status >= 500 ? 'ERROR' : status >= 400 ? 'WARN' : 'INFO',
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
    endpoint: record.endpointId,
    region: record.region,
    attempts: record.attempts,
    durationMs: Math.round(record.durationMs),
    error: record.error,
  });
}
