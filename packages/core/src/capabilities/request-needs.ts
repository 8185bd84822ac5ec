import { BYTES_PER_TOKEN } from '../capacity/token-estimate.js';
import type { Operation } from '../telemetry/instrumentation.js';

/** A request feature that an endpoint's model may lack. */
export type Feature =
  | 'tools'
  | 'images'
  | 'documents'
  | 'structuredOutput'
  | 'performanceConfig'
  | 'serviceTier'
  | 'cachePoint';

/** What a request needs of the model that serves it. */
export interface RequestNeeds {
  readonly features: ReadonlySet<Feature>;
  /** The service tier the request itself asks for, when it names one. */
  readonly serviceTier?: string | undefined;
  /**
   * Its text in tokens, at {@link BYTES_PER_TOKEN} bytes a token. Images and documents are left
   * out: their bytes say little of their tokens, and a window check must not overshoot.
   */
  readonly textTokens: number;
  /** Its `maxTokens`, when it sets one. */
  readonly maxTokens: number | undefined;
}

type Json = Record<string, unknown>;

/**
 * What a request needs, from its Converse/ConverseStream input or its InvokeModel input (the
 * body's JSON in any model family: Anthropic's `tools`, `cache_control`, `type: 'image'`, Nova's
 * `toolConfig` and `cachePoint`).
 */
export function requestNeeds(operation: Operation, input: unknown): RequestNeeds {
  const request = (input ?? {}) as Json;
  const features = new Set<Feature>();
  const count = { bytes: 0 };
  let serviceTier: string | undefined;
  let maxTokens: number | undefined;
  if (operation === 'Converse' || operation === 'ConverseStream') {
    walk(request.messages, features, count);
    walk(request.system, features, count);
    walk(request.toolConfig, features, count);
    const tools = (request.toolConfig as { tools?: unknown } | undefined)?.tools;
    if (Array.isArray(tools) && tools.some((tool) => (tool as Json | null)?.toolSpec !== undefined))
      features.add('tools');
    if ((request.outputConfig as { textFormat?: unknown } | undefined)?.textFormat !== undefined)
      features.add('structuredOutput');
    if ((request.performanceConfig as { latency?: unknown } | undefined)?.latency === 'optimized')
      features.add('performanceConfig');
    serviceTier = stringOr((request.serviceTier as { type?: unknown } | undefined)?.type);
    maxTokens = positive((request.inferenceConfig as { maxTokens?: unknown } | undefined)?.maxTokens);
  } else {
    const body = parseBody(request.body);
    walk(body, features, count);
    if (typeof body === 'object' && body !== null) {
      const json = body as Json;
      const tools = json.tools ?? (json.toolConfig as { tools?: unknown } | undefined)?.tools;
      if (Array.isArray(tools) && tools.length > 0) features.add('tools');
      maxTokens =
        positive(json.max_tokens) ??
        positive((json.inferenceConfig as { max_new_tokens?: unknown } | undefined)?.max_new_tokens) ??
        positive(json.max_gen_len);
    }
    if (request.performanceConfigLatency === 'optimized') features.add('performanceConfig');
    serviceTier = stringOr(request.serviceTier);
  }
  if (serviceTier !== undefined) features.add('serviceTier');
  return { features, serviceTier, textTokens: Math.ceil(count.bytes / BYTES_PER_TOKEN), maxTokens };
}

// Fields that shape a message rather than carry content.
const STRUCTURAL = new Set(['role', 'type', 'format', 'media_type', 'anthropic_version', 'toolUseId']);

/** Walks a request with a stack of its own: a deeply nested tool schema must not overflow Node's. */
function walk(root: unknown, features: Set<Feature>, count: { bytes: number }): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') count.bytes += Buffer.byteLength(value, 'utf8');
    else if (Array.isArray(value)) for (const item of value) pending.push(item);
    else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
      const record = value as Json;
      if ('image' in record || record.type === 'image') features.add('images');
      else if ('document' in record || record.type === 'document') features.add('documents');
      else {
        if ('cachePoint' in record || 'cache_control' in record) features.add('cachePoint');
        for (const [key, item] of Object.entries(record)) if (!STRUCTURAL.has(key)) pending.push(item);
      }
    }
  }
}

function parseBody(body: unknown): unknown {
  const text =
    typeof body === 'string' ? body : body instanceof Uint8Array ? new TextDecoder().decode(body) : undefined;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
