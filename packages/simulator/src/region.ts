// SigV4: `Credential=AKID/20240101/us-west-2/bedrock/aws4_request`. The SDK signs with the
// client's region, so this is how one simulator serves any number of regions.
const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/[^/,\s]+\/aws4_request/;

/** Header a client may set to choose the region when it signs with a bearer token. */
export const REGION_HEADER = 'x-bedrock-sim-region';

/**
 * The region a request is addressed to: the SigV4 credential scope, else the
 * `x-bedrock-sim-region` header (bearer-token clients have no scope), else the fallback.
 */
export function regionOf(headers: Record<string, string | string[] | undefined>, fallback: string): string {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = CREDENTIAL_SCOPE.exec(authorization);
    if (match?.[1]) return match[1];
  }
  const explicit = headers[REGION_HEADER];
  if (typeof explicit === 'string' && explicit !== '') return explicit;
  return fallback;
}
