import type { Strippable } from '../config/capabilities-schema.js';
import type { Operation } from '../telemetry/instrumentation.js';

type Json = Record<string, unknown>;

/**
 * A copy of a request without the optional `features`: `performanceConfig` (InvokeModel's
 * `performanceConfigLatency`), the caller's `serviceTier`, and prompt-cache markers (Converse's
 * `cachePoint` blocks in system, messages and tools; a body's `cachePoint` blocks and
 * `cache_control` fields). The request itself is left as it was.
 */
export function stripFeatures<I>(operation: Operation, input: I, features: readonly Strippable[]): I {
  if (features.length === 0) return input;
  const request = { ...(input as Json) };
  const converse = operation === 'Converse' || operation === 'ConverseStream';
  if (features.includes('performanceConfig'))
    delete request[converse ? 'performanceConfig' : 'performanceConfigLatency'];
  if (features.includes('serviceTier')) delete request.serviceTier;
  if (features.includes('cachePoint')) {
    if (converse) {
      for (const key of ['system', 'messages', 'toolConfig'])
        if (request[key] !== undefined) request[key] = withoutCachePoints(request[key]);
    } else if (request.body !== undefined) request.body = bodyWithoutCachePoints(request.body);
  }
  return request as I;
}

// Cache markers sit in a message's content, the system prompt or the tools, a few levels down:
// the copy stops there, so a deeply nested tool schema is shared, not walked.
const MAX_DEPTH = 6;

function withoutCachePoints(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value))
    return value
      .filter((item) => !(typeof item === 'object' && item !== null && 'cachePoint' in item))
      .map((item) => withoutCachePoints(item, depth + 1));
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  const copy: Json = {};
  for (const [key, item] of Object.entries(value))
    if (key !== 'cache_control') copy[key] = withoutCachePoints(item, depth + 1);
  return copy;
}

/** An InvokeModel body without cache markers, as JSON text; a body that is not JSON stays as it was. */
function bodyWithoutCachePoints(body: unknown): unknown {
  const text =
    typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
  if (text === undefined) return body;
  try {
    return JSON.stringify(withoutCachePoints(JSON.parse(text)));
  } catch {
    return body;
  }
}
