import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { MessageHeaders } from '@smithy/types';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { type BedrockErrorName, streamExceptionType } from './errors.js';

// The SDK's own codec, so frames are byte-for-byte what the SDK decodes.
const codec = new EventStreamCodec(toUtf8, fromUtf8);

function stringHeaders(values: Record<string, string>): MessageHeaders {
  const headers: MessageHeaders = {};
  for (const [name, value] of Object.entries(values)) headers[name] = { type: 'string', value };
  return headers;
}

/** One `:message-type=event` frame with a JSON payload. */
export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return rawEventFrame(eventType, JSON.stringify(payload));
}

/** One event frame with the payload text as given, valid JSON or not. */
export function rawEventFrame(eventType: string, payload: string): Uint8Array {
  return codec.encode({
    headers: stringHeaders({
      ':event-type': eventType,
      ':message-type': 'event',
      ':content-type': 'application/json',
    }),
    body: fromUtf8(payload),
  });
}

/** One modelled in-stream exception frame; the SDK raises it as a typed error. */
export function exceptionFrame(name: BedrockErrorName, message: string): Uint8Array {
  return codec.encode({
    headers: stringHeaders({
      ':exception-type': streamExceptionType(name),
      ':message-type': 'exception',
      ':content-type': 'application/json',
    }),
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** A frame whose message CRC is wrong, as a corrupted stream would deliver. */
export function corruptFrame(eventType: string, payload: unknown): Uint8Array {
  const frame = eventFrame(eventType, payload).slice();
  const last = frame.length - 1;
  frame[last] = (frame[last] ?? 0) ^ 0xff;
  return frame;
}
