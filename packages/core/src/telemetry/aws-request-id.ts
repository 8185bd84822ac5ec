/**
 * The AWS request id of an SDK response or error (`$metadata.requestId`), which support cases and
 * CloudTrail lookups start from; `undefined` when there is none (a network error, a timeout).
 */
export function awsRequestId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('$metadata' in value)) return undefined;
  const metadata = (value as { $metadata?: { requestId?: unknown } }).$metadata;
  return typeof metadata?.requestId === 'string' ? metadata.requestId : undefined;
}
