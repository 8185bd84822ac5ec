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
 * `Authorization` itself) or `Authorization: Bearer <key>`, or from a browser as `Authorization: Basic` with the key as the
 * password. The 401 never echoes a key.
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
  const authorization = headers.authorization?.trim() ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  if (bearer) return bearer[1]?.trim() || undefined;
  // What a browser sends for a page: any user name, the key as the password.
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1) || undefined;
}

/**
 * The same 401 with a Basic challenge, so a browser opening a page asks for credentials: any user
 * name, the API key as the password.
 */
export function withBasicChallenge(denied: RequestFailure): RequestFailure {
  return new RequestFailure({
    ...denied.failure,
    message: `${denied.failure.message} In a browser, give any user name and the API key as the password.`,
    headers: { 'www-authenticate': 'Basic realm="bedrock-ha", charset="UTF-8"' },
  });
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
