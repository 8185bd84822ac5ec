import type { BedrockHA } from '@bedrock-ha/core';
import { budgetSettings, invocationBudget } from './invocation-budget.js';
import {
  type HttpHandlerOptions,
  httpRequestParts,
  lambdaApiKeys,
  lambdaGateway,
  serveHttp,
  unknownEventError,
} from './lambda-gateway.js';
import {
  type AwsLambdaRuntime,
  findLambdaRuntime,
  type ResponseStream,
  type StreamingHandlerFunction,
} from './lambda-runtime.js';
import type { LambdaContext } from './lambda-types.js';
import { runInvocation } from './request-log.js';
import { clientDisconnect, writeStreamingResponse } from './stream-response.js';

/** Options of {@link createStreamingHandler}. */
export interface StreamingHandlerOptions extends HttpHandlerOptions {
  /** The runtime's `awslambda` global (default: found on `globalThis`); pass one to run elsewhere. */
  readonly runtime?: AwsLambdaRuntime;
}

/** A response-streaming handler, already wrapped by `awslambda.streamifyResponse`. */
export interface StreamingHandler extends StreamingHandlerFunction {
  /** The engine this handler serves. */
  readonly engine: BedrockHA;
}

/** {@link createStreamingHandler} over an engine already built: no configuration is loaded here. */
export function streamingHandlerOf(
  engine: BedrockHA,
  options: StreamingHandlerOptions = {},
): StreamingHandler {
  const budget = budgetSettings(options);
  const apiKeys = lambdaApiKeys(options);
  const gateway = lambdaGateway(engine, options, apiKeys);
  const runtime = options.runtime ?? findLambdaRuntime();
  if (!runtime) {
    const missing = async () => {
      throw new Error(
        'The streaming handler needs the `awslambda` global of the AWS Lambda Node.js runtime, which is missing here; run it in Lambda, pass createStreamingHandler({ runtime }), or use createHandler for buffered responses',
      );
    };
    return Object.assign(missing, { engine });
  }
  const handle = (event: unknown, responseStream: ResponseStream, context: LambdaContext) =>
    runInvocation(context, async () => {
      const parts = httpRequestParts(event);
      if (!parts) throw unknownEventError(event, 'a Function URL or HTTP API event');
      const time = invocationBudget(context, budget);
      // The client may go away before the first token (a stalled model, a long failover): that
      // must stop the upstream call too, not only the writes that would follow.
      const disconnect = clientDisconnect(responseStream);
      try {
        const signal = AbortSignal.any([time.signal, disconnect.signal]);
        const response = await serveHttp(gateway, parts, { signal, deadlineMs: time.deadlineMs });
        await writeStreamingResponse(runtime, responseStream, response);
      } finally {
        disconnect.dispose();
        time.dispose();
      }
    });
  return Object.assign(runtime.streamifyResponse(handle), { engine });
}
