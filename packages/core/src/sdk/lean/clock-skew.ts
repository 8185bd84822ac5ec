type Headers = Record<string, string | undefined>;
type SkewConfig = { systemClockOffset?: number };

/** When a request was signed: the clock offset it used and when it left, to judge the answer's `Date`. */
export interface SkewSample {
  readonly offset: number;
  readonly sentAt: number;
}

/**
 * The SDK's clock-skew correction (its SigV4 signer's success and error handlers), for the
 * one-shot operations: every answer's `Date` header resets the client's `systemClockOffset`, which
 * the next signature uses, unless the answer came through a cache (`Age`), took over 15 minutes,
 * or its date does not parse. An error's `ServerTime` counts as well, and an error whose correction
 * is 4 minutes or more is marked `$metadata.clockSkewCorrected`.
 */
export function correctClockSkew(
  config: SkewConfig,
  headers: Headers | undefined,
  sample: SkewSample,
  error?: { ServerTime?: string; $metadata?: Record<string, unknown> },
): void {
  const clockTime = error?.ServerTime ?? headers?.date ?? headers?.Date;
  if (!clockTime) return;
  const current = config.systemClockOffset ?? 0;
  const updated = updatedOffset(clockTime, current, sample.sentAt, headers?.age ?? headers?.Age);
  config.systemClockOffset = updated;
  if (!error?.$metadata) return;
  const corrected = updated !== sample.offset;
  if (Math.abs(updated) >= 240_000 && corrected) error.$metadata.clockSkewCorrected = true;
}

/** The SDK's `getUpdatedSystemClockOffset`. */
function updatedOffset(clockTime: string, current: number, sentAt: number, age: string | undefined): number {
  if (age !== undefined) return current;
  const serverTime = Date.parse(clockTime);
  if (Number.isNaN(serverTime)) return current;
  const received = Date.now();
  if (received - sentAt > 900_000) return current;
  return serverTime - received;
}
