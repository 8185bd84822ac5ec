// The upstream bytes behind a lean answer, kept off the object's enumerable surface so that the
// output deep-equals the SDK's and serialises the same.
const RAW_BYTES = Symbol('bedrock-ha.rawBytes');

/**
 * The exact bytes Bedrock sent for a value the lean transport produced: the response body of a
 * Converse or InvokeModel output, or the whole event-stream frame (prelude, headers, payload, CRCs)
 * of one ConverseStream or InvokeModelWithResponseStream event. A gateway that answers in Bedrock's
 * own wire format can forward these bytes instead of serialising the object again. `undefined` for
 * values the SDK path produced (a `transport: 'sdk'` endpoint, a custom `clientFactory`, a request
 * with middleware), which carry no such bytes; fall back to serialising them.
 */
export function rawBytesOf(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as { [RAW_BYTES]?: Uint8Array })[RAW_BYTES];
}

/** Attaches `bytes` to `value` for {@link rawBytesOf}: non-enumerable, so equality and JSON ignore it. */
export function attachRawBytes<T extends object>(value: T, bytes: Uint8Array): T {
  Object.defineProperty(value, RAW_BYTES, { value: bytes, enumerable: false, configurable: true });
  return value;
}
