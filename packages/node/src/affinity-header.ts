/** An HTTP header name (RFC 9110 token), any case. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Checks `affinityHeader` before anything starts (the gateway would refuse it only after the
 * engine exists). A RangeError says what is wrong and how to fix it.
 */
export function checkAffinityHeader(name: string | undefined): void {
  if (name !== undefined && !HEADER_NAME.test(name))
    throw new RangeError(
      `affinityHeader "${name}" is not a header name: use letters, digits and - (e.g. x-session-id)`,
    );
}
