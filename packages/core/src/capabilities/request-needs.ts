import { BYTES_PER_TOKEN, parseBody } from '../capacity/token-estimate.js';
import type { Operation } from '../telemetry/instrumentation.js';
import { bodyBytes, bodyMayHold, maxTokensBound } from './request-body.js';

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

/**
 * What a chain can exclude a request for: the features some endpoint lacks, and the smallest
 * context window known (`undefined`: none known).
 * @internal
 */
export interface NeedsScope {
  readonly features: ReadonlySet<Feature>;
  readonly window: number | undefined;
}

const EVERY_FEATURE: ReadonlySet<Feature> = new Set<Feature>([
  'tools',
  'images',
  'documents',
  'structuredOutput',
  'performanceConfig',
  'serviceTier',
  'cachePoint',
]);
const EVERYTHING: NeedsScope = { features: EVERY_FEATURE, window: 0 };
// Found by walking the request's blocks (Converse) or its body (InvokeModel).
const WALKED: readonly Feature[] = ['images', 'documents', 'cachePoint'];

type Json = Record<string, unknown>;

/**
 * What a request needs, from its Converse/ConverseStream input or its InvokeModel input (the
 * body's JSON in any model family: Anthropic's `tools`, `cache_control`, `type: 'image'`, Nova's
 * `toolConfig` and `cachePoint`).
 */
export function requestNeeds(operation: Operation, input: unknown): RequestNeeds {
  return scopedNeeds(operation, input, EVERYTHING);
}

/**
 * {@link requestNeeds} as far as `scope` can tell endpoints apart, for the engine's hot path:
 * features outside it are not looked for, and `textTokens` is an upper bound (3 bytes per UTF-16
 * unit, or the body's bytes) whenever that bound with `maxTokens` already fits `scope.window`;
 * the exact count otherwise.
 * @internal
 */
export function scopedNeeds(operation: Operation, input: unknown, scope: NeedsScope): RequestNeeds {
  const request = (input ?? {}) as Json;
  const features = new Set<Feature>();
  const detect = WALKED.some((feature) => scope.features.has(feature));
  let serviceTier: string | undefined;
  let maxTokens: number | undefined;
  let textTokens = 0;
  if (operation === 'Converse' || operation === 'ConverseStream') {
    const roots = [request.messages, request.system, request.toolConfig];
    maxTokens = positive((request.inferenceConfig as { maxTokens?: unknown } | undefined)?.maxTokens);
    if (detect || scope.window !== undefined) {
      const units = walk(roots, detect ? features : undefined, false);
      textTokens = Math.ceil((units * 3) / BYTES_PER_TOKEN);
      if (!fits(textTokens, maxTokens, scope.window))
        textTokens = Math.ceil(walk(roots, undefined, true) / BYTES_PER_TOKEN);
    }
    const tools = (request.toolConfig as { tools?: unknown } | undefined)?.tools;
    if (Array.isArray(tools) && tools.some((tool) => (tool as Json | null)?.toolSpec !== undefined))
      features.add('tools');
    if ((request.outputConfig as { textFormat?: unknown } | undefined)?.textFormat !== undefined)
      features.add('structuredOutput');
    if ((request.performanceConfig as { latency?: unknown } | undefined)?.latency === 'optimized')
      features.add('performanceConfig');
    serviceTier = stringOr((request.serviceTier as { type?: unknown } | undefined)?.type);
  } else {
    // The body's bytes bound its text, and a key scan its maxTokens: most bodies need no parse.
    let parse = bodyMayHold(request.body, scope.features);
    if (!parse && scope.window !== undefined) {
      textTokens = Math.ceil(bodyBytes(request.body) / BYTES_PER_TOKEN);
      maxTokens = maxTokensBound(request.body);
      parse = !fits(textTokens, maxTokens, scope.window);
    }
    if (parse) {
      maxTokens = undefined;
      const body = parseBody(request.body);
      textTokens = Math.ceil(walk([body], features, true) / BYTES_PER_TOKEN);
      if (typeof body === 'object' && body !== null) {
        const json = body as Json;
        const tools = json.tools ?? (json.toolConfig as { tools?: unknown } | undefined)?.tools;
        if (Array.isArray(tools) && tools.length > 0) features.add('tools');
        maxTokens =
          positive(json.max_tokens) ??
          positive((json.inferenceConfig as { max_new_tokens?: unknown } | undefined)?.max_new_tokens) ??
          positive(json.max_gen_len);
      }
    }
    if (request.performanceConfigLatency === 'optimized') features.add('performanceConfig');
    serviceTier = stringOr(request.serviceTier);
  }
  if (serviceTier !== undefined) features.add('serviceTier');
  return { features, serviceTier, textTokens, maxTokens };
}

function fits(textTokens: number, maxTokens: number | undefined, window: number | undefined): boolean {
  return window === undefined || textTokens + (maxTokens ?? 0) <= window;
}

// Fields that shape a message rather than carry content.
const STRUCTURAL = new Set(['role', 'type', 'format', 'media_type', 'anthropic_version', 'toolUseId']);

/**
 * Walks a request with a stack of its own (a deeply nested tool schema must not overflow Node's),
 * adding the image, document and cache blocks it finds to `features` when given. Returns the
 * text's UTF-8 bytes when `exact`, else its UTF-16 units (no string is scanned).
 */
function walk(roots: readonly unknown[], features: Set<Feature> | undefined, exact: boolean): number {
  let size = 0;
  const pending: unknown[] = [...roots];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') size += exact ? Buffer.byteLength(value, 'utf8') : value.length;
    else if (Array.isArray(value)) for (const item of value) pending.push(item);
    else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
      const record = value as Json;
      if ('image' in record || record.type === 'image') features?.add('images');
      else if ('document' in record || record.type === 'document') features?.add('documents');
      else {
        if ('cachePoint' in record || 'cache_control' in record) features?.add('cachePoint');
        for (const key in record) if (!STRUCTURAL.has(key)) pending.push(record[key]);
      }
    }
  }
  return size;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
