/**
 * The URL with its password (and a username's secret part) replaced by `***`, for log lines and
 * error messages: `rediss://default:***@cache.example.com:6379`.
 */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL: whatever follows `//` up to `@` may be a secret.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * Checks that `url` is a Redis URL (`redis://` or `rediss://` for TLS, optional `user:password@`
 * for AUTH, optional `/db`); throws a RangeError naming the problem and the fix, never the password.
 */
export function checkRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(
      `state.url "${redactRedisUrl(url)}" is not a URL: use redis://host:6379 (or rediss://user:password@host:6379 for TLS and AUTH).`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new RangeError(
      `state.url "${redactRedisUrl(url)}" must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//.`,
    );
  if (!parsed.hostname)
    throw new RangeError(`state.url "${redactRedisUrl(url)}" has no host: use redis://host:6379.`);
  const database = parsed.pathname.replace(/^\//, '');
  if (database !== '' && !/^\d+$/.test(database))
    throw new RangeError(
      `state.url "${redactRedisUrl(url)}" selects database "${database}": the path must be a database number, such as /0.`,
    );
  return parsed;
}
