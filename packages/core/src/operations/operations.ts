import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  ConverseStreamCommand,
  type ConverseStreamCommandOutput,
  type ConverseStreamOutput,
  InvokeModelCommand,
  type InvokeModelCommandOutput,
  InvokeModelWithResponseStreamCommand,
  type InvokeModelWithResponseStreamCommandOutput,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import type { Step } from '../chain/chain-request.js';
import type { Endpoint } from '../chain/endpoint.js';
import type { ServiceTier } from '../config/service-tier-schema.js';
import { type AttemptMiddleware, withMiddleware } from '../sdk/attempt-middleware.js';
import { leanTransportOf } from '../sdk/lean/transport-choice.js';
import { recordResponseHeaders } from '../sdk/response-headers.js';
import { trackSend } from '../sdk/send-stage.js';
import {
  converseEventInfo,
  invokeBodyInfo,
  invokeChunkInfo,
  type StreamEventInfo,
} from '../streaming/model-output.js';
import type { SendStream } from '../streaming/stream-lease.js';

/** A command the engine can send: any of the four operations' SDK commands (each typed for its own input). */
type AnyCommand = { readonly middlewareStack: object };

/** A one-shot operation: its command, and what telemetry records of its answer. */
export interface UnaryOperation<I, O> {
  readonly name: 'Converse' | 'InvokeModel';
  command(input: I, modelId: string, serviceTier?: ServiceTier): AnyCommand;
  describe: Step<O>['describe'];
}

/** A streaming operation: its command, where its events are, and what each event says. */
export interface StreamOperation<I, O, E> {
  readonly name: 'ConverseStream' | 'InvokeModelWithResponseStream';
  command(input: I, modelId: string, serviceTier?: ServiceTier): AnyCommand;
  /** The output's event stream, and its other members (passed on as they are). */
  events(output: O): { stream?: AsyncIterable<E> | undefined; fields: Readonly<Record<string, unknown>> };
  readonly info: (event: E) => StreamEventInfo;
  /** The result member holding the events. */
  readonly resultKey: 'stream' | 'body';
}

type Input<C> = C extends new (input: infer I) => unknown ? Omit<I, 'modelId'> : never;

/** The four Bedrock runtime operations bedrock-ha serves, described once each. */
export const OPERATIONS = {
  converse: {
    name: 'Converse',
    command: (input, modelId, tier) => new ConverseCommand({ ...input, modelId, ...converseTier(tier) }),
    describe: (output) => ({
      usage: output.usage,
      finishReasons: output.stopReason ? [output.stopReason] : [],
      outputText: output.output?.message?.content?.map((block) => block.text ?? '').join(''),
    }),
  } satisfies UnaryOperation<Input<typeof ConverseCommand>, ConverseCommandOutput>,
  invokeModel: {
    name: 'InvokeModel',
    command: (input, modelId, tier) =>
      recordResponseHeaders(
        new InvokeModelCommand({ ...input, modelId, ...(tier && { serviceTier: tier }) }),
      ),
    describe: (output) => {
      const { usage, finishReasons, text } = invokeBodyInfo(output.body);
      return { usage, finishReasons, outputText: text };
    },
  } satisfies UnaryOperation<Input<typeof InvokeModelCommand>, InvokeModelCommandOutput>,
  converseStream: {
    name: 'ConverseStream',
    command: (input, modelId, tier) =>
      new ConverseStreamCommand({ ...input, modelId, ...converseTier(tier) }),
    events: (output) => ({ stream: output.stream, fields: {} }),
    info: converseEventInfo,
    resultKey: 'stream',
  } satisfies StreamOperation<
    Input<typeof ConverseStreamCommand>,
    ConverseStreamCommandOutput,
    ConverseStreamOutput
  >,
  invokeModelWithResponseStream: {
    name: 'InvokeModelWithResponseStream',
    command: (input, modelId, tier) =>
      recordResponseHeaders(
        new InvokeModelWithResponseStreamCommand({ ...input, modelId, ...(tier && { serviceTier: tier }) }),
      ),
    // contentType, performanceConfigLatency, serviceTier, responseHeaders: the first answer's.
    events: ({ body, $metadata: _, ...fields }) => ({ stream: body, fields }),
    info: invokeChunkInfo,
    resultKey: 'body',
  } satisfies StreamOperation<
    Input<typeof InvokeModelWithResponseStreamCommand>,
    InvokeModelWithResponseStreamCommandOutput,
    ResponseStream
  >,
};

/** Converse's `serviceTier` member for an endpoint's tier (an endpoint's tier overrides the caller's). */
function converseTier(tier: ServiceTier | undefined) {
  return tier && { serviceTier: { type: tier } };
}

/**
 * Sends one operation's command on an endpoint's client, with the caller's middleware: through the
 * client's lean transport when it has one and there is no middleware to run (middleware needs the
 * SDK's stack), else through the SDK client.
 */
export function sendCommand<O>(
  client: BedrockRuntimeClient,
  command: AnyCommand,
  middleware: AttemptMiddleware | undefined,
  signal: AbortSignal,
): Promise<O> {
  const lean = middleware ? undefined : leanTransportOf(client);
  if (lean) return lean.send<O>(command as unknown as { input: object }, signal);
  return client.send(trackSend(withMiddleware(command, middleware)) as never, {
    abortSignal: signal,
  }) as Promise<O>;
}

/** How a streaming operation starts one stream on an endpoint. */
export function streamSender<I, O, E>(
  operation: StreamOperation<I, O, E>,
  /** The request as each endpoint gets it (without the features stripped for it). */
  inputFor: (endpoint: Endpoint) => I,
  clientOf: (endpoint: Endpoint) => BedrockRuntimeClient,
  middleware: AttemptMiddleware | undefined,
): SendStream<E> {
  return async (endpoint, signal) => {
    const output = await sendCommand<O>(
      clientOf(endpoint),
      operation.command(inputFor(endpoint), endpoint.modelId, endpoint.serviceTier),
      middleware,
      signal,
    );
    const { stream, fields } = operation.events(output);
    return {
      stream,
      $metadata: (output as { $metadata: ConverseStreamCommandOutput['$metadata'] }).$metadata,
      fields,
    };
  };
}
