import { isIP } from 'node:net';

/** How the server treats clients: `api-keys` (the default) requires keys off loopback; `none` accepts every client. */
export type AuthMode = 'api-keys' | 'none';

/** The values `auth` and `BEDROCK_HA_AUTH` accept. */
export const AUTH_MODES: readonly AuthMode[] = ['api-keys', 'none'];

/** True when `mode` is one of {@link AUTH_MODES}. */
export function isAuthMode(mode: string): mode is AuthMode {
  return (AUTH_MODES as readonly string[]).includes(mode);
}

/**
 * True for a host only this machine can reach: `localhost`, 127.0.0.0/8 and `::1` (also as an
 * IPv4-mapped address). Any other name may resolve to a public interface, so it is not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const address = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (address === 'localhost') return true;
  if (isIP(address) === 4) return address.startsWith('127.');
  if (isIP(address) === 6) return address === '::1' || /^::ffff:127\./.test(address);
  return false;
}

/**
 * Refuses a configuration that would hand this server's AWS credentials to anyone who can reach
 * it: no API keys on a non-loopback interface, unless `auth` is `none` (an authenticating proxy
 * in front). Keys together with `auth: 'none'` contradict each other and are refused too.
 * @throws RangeError saying how to add keys or opt out.
 */
export function checkAuthPolicy(host: string, apiKeys: readonly string[], auth: AuthMode): void {
  if (auth === 'none' && apiKeys.length > 0)
    throw new RangeError(
      'API keys are given but authentication is off (BEDROCK_HA_AUTH=none): drop the keys to accept every client, or unset BEDROCK_HA_AUTH to require them',
    );
  if (auth === 'none' || apiKeys.length > 0 || isLoopbackHost(host)) return;
  throw new RangeError(
    `refusing to listen on ${host} without API keys: anyone who can reach it could call Bedrock with this server's AWS credentials. ` +
      'Set BEDROCK_HA_API_KEYS=key1,key2 (bedrock-ha serve: --api-key), listen on loopback only with HOST=127.0.0.1 (--host 127.0.0.1), ' +
      'or, behind a proxy that authenticates clients, accept every client with BEDROCK_HA_AUTH=none',
  );
}
