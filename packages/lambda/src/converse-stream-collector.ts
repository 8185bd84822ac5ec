import type { ConverseResult, ConverseStreamResult } from '@bedrock-ha/core';

// The SDK's types, reached through the core's exports: the SDK is the core's dependency, not ours.
type ConverseStreamOutput = ConverseStreamResult['stream'] extends AsyncIterable<infer E> ? E : never;
type TokenUsage = NonNullable<ConverseResult['usage']>;
type ContentBlock = NonNullable<
  NonNullable<NonNullable<ConverseResult['output']>['message']>['content']
>[number];

/** A ConverseStream read to its end, in Converse's output shape. */
export interface CollectedConverse {
  readonly output: { readonly message: { readonly role: 'assistant'; readonly content: ContentBlock[] } };
  readonly stopReason?: string;
  readonly usage?: TokenUsage;
  readonly metrics?: { readonly latencyMs?: number };
}

/** One content block as its deltas arrive. */
interface BlockParts {
  text?: string;
  toolUse?: { toolUseId?: string; name?: string; input: string };
  reasoning?: { text?: string; signature?: string; redacted?: Uint8Array[] };
}

/**
 * Reads a ConverseStream and assembles the message Converse would have returned: text, tool uses
 * and reasoning (its text and signature, or its redacted bytes) by content block, the stop
 * reason, usage and latency. A block that received nothing is left out, as Converse would.
 */
export async function collectConverseStream(
  stream: AsyncIterable<ConverseStreamOutput>,
): Promise<CollectedConverse> {
  const blocks: BlockParts[] = [];
  let stopReason: string | undefined;
  let usage: TokenUsage | undefined;
  let latencyMs: number | undefined;
  const blockAt = (index: number | undefined) => {
    const at = index ?? 0;
    blocks[at] ??= {};
    return blocks[at];
  };
  for await (const event of stream) {
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      blockAt(event.contentBlockStart.contentBlockIndex).toolUse = { toolUseId, name, input: '' };
    } else if (event.contentBlockDelta?.delta) {
      addDelta(blockAt(event.contentBlockDelta.contentBlockIndex), event.contentBlockDelta.delta);
    } else if (event.messageStop) {
      stopReason = event.messageStop.stopReason;
    } else if (event.metadata) {
      usage = event.metadata.usage;
      latencyMs = event.metadata.metrics?.latencyMs;
    }
  }
  const content = blocks.flatMap((block) => contentBlock(block) ?? []);
  return {
    output: { message: { role: 'assistant', content } },
    stopReason,
    usage,
    metrics: latencyMs === undefined ? undefined : { latencyMs },
  };
}

type Delta = NonNullable<NonNullable<ConverseStreamOutput['contentBlockDelta']>['delta']>;

function addDelta(block: BlockParts, delta: Delta): void {
  if (delta.text !== undefined) block.text = (block.text ?? '') + delta.text;
  if (delta.toolUse?.input !== undefined) {
    block.toolUse ??= { input: '' };
    block.toolUse.input += delta.toolUse.input;
  }
  const reasoning = delta.reasoningContent;
  if (reasoning) {
    block.reasoning ??= {};
    if (reasoning.text !== undefined) block.reasoning.text = (block.reasoning.text ?? '') + reasoning.text;
    if (reasoning.signature !== undefined)
      block.reasoning.signature = (block.reasoning.signature ?? '') + reasoning.signature;
    if (reasoning.redactedContent !== undefined)
      block.reasoning.redacted = [...(block.reasoning.redacted ?? []), reasoning.redactedContent];
  }
}

function contentBlock(block: BlockParts | undefined): ContentBlock | undefined {
  if (!block) return undefined;
  if (block.toolUse) {
    const { toolUseId, name, input } = block.toolUse;
    return { toolUse: { toolUseId, name, input: input ? JSON.parse(input) : {} } } as ContentBlock;
  }
  if (block.reasoning) {
    const { text, signature, redacted } = block.reasoning;
    if (redacted) return { reasoningContent: { redactedContent: Buffer.concat(redacted) } };
    return { reasoningContent: { reasoningText: { text: text ?? '', signature } } };
  }
  if (block.text) return { text: block.text };
  return undefined;
}
