import { createHash } from 'node:crypto';
import { countTokens } from '../responder.js';

/** A prompt prefix: its hash, and its length in tokens. */
export interface Prefix {
  readonly hash: string;
  readonly tokens: number;
}

/**
 * A prompt-cache checkpoint: the prompt prefix up to it, and the shorter prefixes ending at the
 * block boundaries before it that a read also checks (Anthropic's models look back about 20
 * blocks), so a conversation whose checkpoint moved on to its latest message still reads the
 * prefix its previous turn cached.
 */
export interface CachePoint extends Prefix {
  /** The entry's TTL in units of the cache's TTL: 1 for `5m` (the default), 12 for `1h`. */
  readonly ttlFactor: number;
  /** The prefixes at earlier block boundaries, latest first. */
  readonly lookback: readonly Prefix[];
}

/** How many block boundaries before a checkpoint a read checks. */
export const LOOKBACK_BLOCKS = 20;

/** Builds a prompt's checkpoints block by block, in the order Bedrock caches: tools, system, messages. */
class PrefixWalk {
  readonly points: CachePoint[] = [];
  // The prefix at every block boundary so far, as a hash chain: each hash covers every block before.
  private readonly boundaries: Prefix[] = [];
  private hash = '';
  private tokens = 0;

  block(value: unknown, text: string): void {
    this.hash = createHash('sha256')
      .update(this.hash)
      .update(JSON.stringify(value) ?? '')
      .digest('base64url');
    if (text !== '') this.tokens += countTokens(text);
    this.boundaries.push({ hash: this.hash, tokens: this.tokens });
  }

  checkpoint(ttl: unknown): void {
    const lookback = this.boundaries.slice(-LOOKBACK_BLOCKS - 1, -1).reverse();
    this.points.push({ hash: this.hash, tokens: this.tokens, ttlFactor: ttl === '1h' ? 12 : 1, lookback });
  }
}

type Block = Record<string, unknown> | null | undefined;

function textOf(block: Block): string {
  if (typeof block?.text === 'string') return block.text;
  const results = (block?.toolResult as { content?: Block[] } | undefined)?.content;
  return Array.isArray(results) ? results.map(textOf).join(' ') : '';
}

function blocks(value: unknown): Block[] {
  return Array.isArray(value) ? (value as Block[]) : [];
}

/** The `cachePoint` checkpoints of a Converse body (`toolConfig.tools`, `system`, message content). */
export function converseCachePoints(request: Record<string, unknown>): CachePoint[] {
  const walk = new PrefixWalk();
  const visit = (block: Block, role: string) => {
    const point = block?.cachePoint as { ttl?: unknown } | undefined;
    if (point) walk.checkpoint(point.ttl);
    else walk.block({ role, block }, textOf(block));
  };
  for (const tool of blocks((request.toolConfig as { tools?: unknown } | undefined)?.tools))
    visit(tool, 'tool');
  for (const block of blocks(request.system)) visit(block, 'system');
  for (const message of blocks(request.messages))
    for (const block of blocks(message?.content)) visit(block, String(message?.role));
  return walk.points;
}

/** The `cache_control` checkpoints of an Anthropic Messages body: each marks the end of its block. */
export function anthropicCachePoints(request: Record<string, unknown>): CachePoint[] {
  const walk = new PrefixWalk();
  const visit = (block: Block, role: string) => {
    if (typeof block !== 'object' || block === null) return walk.block({ role, block }, String(block ?? ''));
    const { cache_control: control, ...rest } = block as { cache_control?: { ttl?: unknown } };
    walk.block({ role, block: rest }, textOf(rest));
    if (control) walk.checkpoint(control.ttl);
  };
  for (const tool of blocks(request.tools)) visit(tool, 'tool');
  if (typeof request.system === 'string') visit({ text: request.system }, 'system');
  for (const block of blocks(request.system)) visit(block, 'system');
  for (const message of blocks(request.messages)) {
    const content = message?.content;
    if (typeof content === 'string') visit({ text: content }, String(message?.role));
    for (const block of blocks(content)) visit(block, String(message?.role));
  }
  return walk.points;
}
