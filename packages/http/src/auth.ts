import { createHash, timingSafeEqual } from 'node:crypto';
import { RequestFailure } from './failure.js';
import type { GatewayRequest } from './gateway-api.js';

/**
 * Checks a request's API key against the configured ones: the 401 to answer, or `undefined` when
 * the key is good or auth is off.
 */
export type Authenticator = (headers: GatewayRequest['headers']) => RequestFailure | undefined;

// Hashing both sides gives equal-length buffers, so the comparison's time says nothing about the key.
const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/**
 * Builds the API-key check. Keys come as `x-api-key` (what the AWS SDK can add, since it signs
 * `Authorization` itself) or `Authorization: Bearer <key>`. The 401 never echoes a key.
 */
export function createAuthenticator(apiKeys: readonly string[] | undefined): Authenticator {
  const keys = (apiKeys ?? []).filter((key) => key !== '').map(digest);
  if (keys.length === 0) return () => undefined;
  return (headers) => {
    const presented = presentedKey(headers);
    if (presented === undefined) {
      return unauthorized(
        'No API key: send it as `Authorization: Bearer <key>` or `x-api-key: <key>` (AWS SDK clients: `x-api-key`).',
      );
    }
    const candidate = digest(presented);
    // Compare with every key, without stopping at a match, so timing does not say which one matched.
    let matched = false;
    for (const key of keys) matched = timingSafeEqual(key, candidate) || matched;
    return matched
      ? undefined
      : unauthorized('The API key is not valid for this gateway; check the key you configured.');
  };
}

function presentedKey(headers: GatewayRequest['headers']): string | undefined {
  const apiKey = headers['x-api-key']?.trim();
  if (apiKey) return apiKey;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization?.trim() ?? '');
  return bearer?.[1]?.trim() || undefined;
}

function unauthorized(message: string): RequestFailure {
  return new RequestFailure({
    status: 401,
    message,
    // The AWS SDK raises this name as its typed AccessDeniedException.
    bedrockName: 'AccessDeniedException',
    openaiType: 'authentication_error',
    code: 'invalid_api_key',
    param: null,
    errorName: 'Unauthorized',
    headers: { 'www-authenticate': 'Bearer' },
  });
}
