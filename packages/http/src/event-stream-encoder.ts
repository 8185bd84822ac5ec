import { crc32 } from 'node:zlib';
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

/** One string header as the codec writes it: name length, name, type 7, value length, value. */
function stringHeader(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name);
  const valueBytes = Buffer.from(value);
  const header = Buffer.alloc(4 + nameBytes.length + valueBytes.length);
  header[0] = nameBytes.length;
  nameBytes.copy(header, 1);
  header[1 + nameBytes.length] = 7;
  header.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
  valueBytes.copy(header, 4 + nameBytes.length);
  return header;
}

// An event's headers depend on its type alone: encoded once per type (a stream has a handful).
const EVENT_HEADERS = new Map<string, Buffer>();

function eventHeaders(eventType: string): Buffer {
  let encoded = EVENT_HEADERS.get(eventType);
  if (encoded) return encoded;
  encoded = Buffer.concat([
    stringHeader(':event-type', eventType),
    stringHeader(':message-type', 'event'),
    stringHeader(':content-type', 'application/json'),
  ]);
  if (EVENT_HEADERS.size < 64) EVENT_HEADERS.set(eventType, encoded);
  return encoded;
}

/**
 * One frame: total length, headers length, the prelude's CRC-32, headers, payload, and the
 * message's CRC-32. The bytes the SDK's codec writes for the same headers in the same order (a
 * test compares the two), built in one buffer with zlib's native CRC-32 (issue 20: the codec was
 * a tenth of a native stream's CPU).
 */
function frame(headerBytes: Buffer, payload: string): Buffer {
  const total = 16 + headerBytes.length + Buffer.byteLength(payload);
  const bytes = Buffer.allocUnsafe(total);
  bytes.writeUInt32BE(total, 0);
  bytes.writeUInt32BE(headerBytes.length, 4);
  bytes.writeUInt32BE(crc32(bytes.subarray(0, 8)), 8);
  headerBytes.copy(bytes, 12);
  bytes.write(payload, 12 + headerBytes.length, 'utf8');
  bytes.writeUInt32BE(crc32(bytes.subarray(0, total - 4)), total - 4);
  return bytes;
}

/**
 * An SDK event as event-stream bytes, one frame per member: `{ messageStart: {...} }` becomes an
 * event of type `messageStart` whose payload is the member's wire JSON (blobs in base64).
 * `undefined` when the event has no member to send (the SDK yields unknown ones as `$unknown`,
 * which have no wire name).
 */
export function encodeEvent(event: object): Uint8Array | undefined {
  let bytes: Buffer | undefined;
  for (const eventType in event) {
    const payload = (event as Record<string, unknown>)[eventType];
    if (payload === undefined || eventType === '$unknown') continue;
    const encoded = frame(eventHeaders(eventType), JSON.stringify(toWireJson(payload, false)));
    // An SDK event is a union with one member set: a second frame is the rare case.
    bytes = bytes ? Buffer.concat([bytes, encoded]) : encoded;
  }
  return bytes;
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
