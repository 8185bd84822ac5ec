import type { Failure } from './failure.js';
import type { GatewayResponse } from './gateway-api.js';

/** Which error format a route speaks. */
export type ErrorFormat = 'openai' | 'bedrock';

/** The error format of a path: Bedrock's under `/model/`, OpenAI's everywhere else. */
export function errorFormatOf(path: string): ErrorFormat {
  return path.startsWith('/model/') ? 'bedrock' : 'openai';
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function openaiErrorBody(failure: Failure) {
  return {
    error: { message: failure.message, type: failure.openaiType, param: failure.param, code: failure.code },
  };
}

/**
 * An error response in the route's format. Bedrock's is the status, `x-amzn-errortype` and a JSON
 * `{"message"}`, which is what the AWS SDK reads to raise the typed exception.
 */
export function errorResponse(
  format: ErrorFormat,
  failure: Failure,
  headers: Record<string, string>,
): GatewayResponse {
  if (format === 'bedrock') {
    return {
      status: failure.status,
      headers: {
        ...headers,
        ...failure.headers,
        'content-type': 'application/json',
        'x-amzn-errortype': failure.bedrockName,
      },
      body: JSON.stringify({ message: failure.message }),
    };
  }
  return {
    status: failure.status,
    headers: { ...headers, ...failure.headers, 'content-type': 'application/json' },
    body: JSON.stringify(openaiErrorBody(failure)),
  };
}
