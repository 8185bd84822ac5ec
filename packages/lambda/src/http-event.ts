/** An HTTP event translated to plain request data, before the body-size check. */
export interface HttpRequestParts {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | undefined>;
  readonly body: Uint8Array | undefined;
}

/** Translates one event shape (Hono's pattern: one processor per shape). */
export interface HttpEventProcessor<E> {
  matches(event: unknown): event is E;
  toRequest(event: E): HttpRequestParts;
}

/** Lower-cases header names; repeated names (differing only in case) are joined with `, `. */
export function lowerCaseHeaders(
  headers: Readonly<Record<string, string>>,
): Record<string, string | undefined> {
  const lower: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    lower[key] = lower[key] === undefined ? value : `${lower[key]}, ${value}`;
  }
  return lower;
}

/** The event body as bytes: base64-decoded when the event says so. */
export function eventBody(body: string | undefined, isBase64Encoded: boolean | undefined) {
  if (body === undefined) return undefined;
  return new Uint8Array(Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'));
}

/** True for an object with the given own keys. */
export function hasKeys(event: unknown, ...keys: string[]): event is Record<string, unknown> {
  return typeof event === 'object' && event !== null && keys.every((key) => key in event);
}
