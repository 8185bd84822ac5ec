import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { toWireJson } from './bedrock-wire.js';

// The AWS SDK's own codec, so every frame is byte for byte what the SDK decodes.
const codec = new EventStreamCodec(toUtf8, fromUtf8);

type StringHeaders = Record<string, { type: 'string'; value: string }>;

function headers(values: Record<string, string>): StringHeaders {
  const encoded: StringHeaders = {};
  for (const [name, value] of Object.entries(values)) encoded[name] = { type: 'string', value };
  return encoded;
}

/**
 * One event-stream frame per SDK event: `{ messageStart: {...} }` becomes an event of type
 * `messageStart` whose payload is the member's wire JSON (blobs in base64).
 */
export function encodeEvent(event: object): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (const [eventType, payload] of Object.entries(event)) {
    // The SDK yields unknown members as `$unknown`; they have no wire name to send.
    if (payload === undefined || eventType === '$unknown') continue;
    frames.push(
      codec.encode({
        headers: headers({
          ':event-type': eventType,
          ':message-type': 'event',
          ':content-type': 'application/json',
        }),
        body: fromUtf8(JSON.stringify(toWireJson(payload, false))),
      }),
    );
  }
  return frames;
}

/** Exceptions each stream models; the SDK raises any other as a plain `Error`. */
export const STREAM_EXCEPTIONS = {
  converse: [
    'InternalServerException',
    'ModelStreamErrorException',
    'ValidationException',
    'ThrottlingException',
    'ServiceUnavailableException',
  ],
  invoke: [
    'InternalServerException',
    'ModelStreamErrorException',
    'ValidationException',
    'ThrottlingException',
    'ModelTimeoutException',
    'ServiceUnavailableException',
  ],
} as const;

/**
 * A modelled in-stream exception frame. The SDK only raises a typed error when
 * `:exception-type` is the union member's camelCase name, so a name the stream does not model is
 * sent as `serviceUnavailableException`.
 */
export function encodeException(
  stream: keyof typeof STREAM_EXCEPTIONS,
  name: string,
  message: string,
): Uint8Array {
  const modelled: readonly string[] = STREAM_EXCEPTIONS[stream];
  const exception = modelled.includes(name) ? name : 'ServiceUnavailableException';
  return codec.encode({
    headers: headers({
      ':exception-type': exception.charAt(0).toLowerCase() + exception.slice(1),
      ':message-type': 'exception',
      ':content-type': 'application/json',
    }),
    body: fromUtf8(JSON.stringify({ message })),
  });
}
