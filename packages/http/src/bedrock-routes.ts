import type { InvokeModelInput } from '@bedrock-ha/core';
import { BedrockHAError, rawBytesOf } from '@bedrock-ha/core';
import { converseInputFromWire, toWireJson } from './bedrock-wire.js';
import { encodeEvent, encodeException, type STREAM_EXCEPTIONS } from './event-stream-encoder.js';
import { describeFailure, invalidRequest, unknownChain } from './failure.js';
import type { GatewayRequest } from './gateway-api.js';
import { checkConverseDepth } from './json-depth.js';
import { bodyBytes, parseJsonBody } from './request-body.js';
import type { RequestContext } from './request-context.js';
import type { RouteHandler } from './routes.js';
import { type BodyEncoding, streamBody, upstreamOf } from './stream-body.js';

const EVENT_STREAM = 'application/vnd.amazon.eventstream';

/** The chain in the path (the SDK's `modelId`); a 400 ValidationException naming the chains if unknown. */
function chainOf(context: RequestContext): string {
  const chain = context.params.chain!;
  context.chain = chain;
  if (!context.ha.chains.includes(chain)) throw unknownChain(chain, context.ha.chains, null);
  return chain;
}

/** The Converse input of a request body; a 400 if it is not JSON or nests pass-through JSON too deeply. */
function converseInputOf(request: GatewayRequest) {
  const body = parseJsonBody(request.body);
  checkConverseDepth(body);
  return converseInputFromWire(body);
}

/** `POST /model/{chain}/converse`: Bedrock's Converse, answered by the chain. */
export const bedrockConverse: RouteHandler = async (context) => {
  const chain = chainOf(context);
  const input = converseInputOf(context.request);
  const result = await context.ha.converse(chain, input, context.engineOptions());
  return {
    status: 200,
    headers: { ...context.headers(true), ...context.served(result), 'content-type': 'application/json' },
    // Bedrock's own body when the transport kept it: the result is that body, parsed.
    body: rawBytesOf(result) ?? JSON.stringify(toWireJson(result)),
  };
};

/**
 * `POST /model/{chain}/converse-stream`: Bedrock's ConverseStream as an event stream, each event
 * forwarded as the frame Bedrock sent when the transport kept it, else encoded again.
 */
export const bedrockConverseStream: RouteHandler = async (context) => {
  const chain = chainOf(context);
  const input = converseInputOf(context.request);
  const result = await context.ha.converseStream(chain, input, context.engineOptions());
  const upstream = upstreamOf(result.stream);
  return {
    status: 200,
    headers: { ...context.headers(true), ...context.served(result), 'content-type': EVENT_STREAM },
    body: streamBody(upstream, eventStream('converse', context.request.signal), context.deferLog()),
  };
};

/**
 * `POST /model/{chain}/invoke`: Bedrock's InvokeModel; the body passes through as bytes, and so do
 * the upstream's `x-amzn-bedrock-*` headers (token counts, invocation latency), which boto3 users
 * read from `ResponseMetadata.HTTPHeaders`.
 */
export const bedrockInvoke: RouteHandler = async (context) => {
  const chain = chainOf(context);
  const input = invokeInputOf(context.request, 'accept');
  const result = await context.ha.invokeModel(chain, input, context.engineOptions());
  return {
    status: 200,
    headers: {
      ...result.responseHeaders,
      ...context.headers(true),
      ...context.served(result),
      ...optionalHeaders(result),
      // The SDK reads the model's content type back from this header.
      'content-type': result.contentType ?? 'application/json',
    },
    body: new Uint8Array(result.body.buffer, result.body.byteOffset, result.body.byteLength),
  };
};

/** `POST /model/{chain}/invoke-with-response-stream`: the model's chunks as `chunk` events. */
export const bedrockInvokeStream: RouteHandler = async (context) => {
  const chain = chainOf(context);
  const input = invokeInputOf(context.request, 'x-amzn-bedrock-accept');
  const result = await context.ha.invokeModelWithResponseStream(chain, input, context.engineOptions());
  const upstream = upstreamOf(result.body);
  return {
    status: 200,
    headers: {
      ...result.responseHeaders,
      ...context.headers(true),
      ...context.served(result),
      ...optionalHeaders(result),
      'content-type': EVENT_STREAM,
      'x-amzn-bedrock-content-type': result.contentType ?? 'application/json',
    },
    body: streamBody(upstream, eventStream('invoke', context.request.signal), context.deferLog()),
  };
};

/**
 * Upstream events as event-stream frames. A failure becomes the modelled exception the SDK raises
 * as a typed error from its loop, and ends the stream.
 */
function eventStream(
  stream: keyof typeof STREAM_EXCEPTIONS,
  signal: AbortSignal | undefined,
): BodyEncoding<object> {
  return {
    // An event the engine rewrote (a resumed answer's first words) is a new object without the
    // upstream's bytes, so it is encoded again; every other event is the frame Bedrock sent.
    event: (event) => rawBytesOf(event) ?? encodeEvent(event),
    failure(error) {
      const failure = describeFailure(error, signal);
      return encodeException(stream, exceptionName(error, failure.bedrockName), failure.message);
    },
  };
}

// A stream cut by the upstream's own modelled exception keeps its name (throttlingException, ...).
function exceptionName(error: unknown, fallback: string): string {
  const cause = BedrockHAError.isInstance(error) ? error.cause : undefined;
  return cause instanceof Error && cause.name.endsWith('Exception') ? cause.name : fallback;
}

/** InvokeModel's input from the raw body and the `X-Amzn-Bedrock-*` headers the SDK sends. */
function invokeInputOf(request: GatewayRequest, acceptHeader: string): InvokeModelInput {
  const { headers } = request;
  const input: Record<string, unknown> = {
    body: bodyBytes(request.body),
    contentType: headers['content-type'] ?? 'application/json',
    accept: headers[acceptHeader],
    trace: headers['x-amzn-bedrock-trace'],
    guardrailIdentifier: headers['x-amzn-bedrock-guardrailidentifier'],
    guardrailVersion: headers['x-amzn-bedrock-guardrailversion'],
    performanceConfigLatency: headers['x-amzn-bedrock-performanceconfig-latency'],
    serviceTier: headers['x-amzn-bedrock-service-tier'],
  };
  const metadata = headers['x-amzn-bedrock-request-metadata'];
  if (metadata !== undefined) input.requestMetadata = checkedRequestMetadata(metadata);
  return Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== undefined),
  ) as InvokeModelInput;
}

/**
 * The `X-Amzn-Bedrock-Request-Metadata` header, checked to be a JSON object of strings (a 400
 * saying so if not) and passed on as the JSON text the SDK's InvokeModel input takes.
 */
function checkedRequestMetadata(header: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    parsed = undefined;
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((value) => typeof value === 'string');
  if (!valid) {
    throw invalidRequest(
      'The X-Amzn-Bedrock-Request-Metadata header must be a JSON object of strings, e.g. {"team":"search"}; set requestMetadata to such an object, as JSON text.',
    );
  }
  return header;
}

function optionalHeaders(result: { performanceConfigLatency?: string; serviceTier?: string }) {
  return {
    ...(result.performanceConfigLatency && {
      'x-amzn-bedrock-performanceconfig-latency': result.performanceConfigLatency,
    }),
    ...(result.serviceTier && { 'x-amzn-bedrock-service-tier': result.serviceTier }),
  };
}
