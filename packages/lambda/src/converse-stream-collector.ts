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

/**
 * Reads a ConverseStream and assembles the message Converse would have returned: text and tool
 * uses by content block, the stop reason, usage and latency.
 */
export async function collectConverseStream(
  stream: AsyncIterable<ConverseStreamOutput>,
): Promise<CollectedConverse> {
  const blocks: { text?: string; toolUse?: { toolUseId?: string; name?: string; input: string } }[] = [];
  let stopReason: string | undefined;
  let usage: TokenUsage | undefined;
  let latencyMs: number | undefined;
  for await (const event of stream) {
    if (event.contentBlockStart?.start?.toolUse) {
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      blocks[event.contentBlockStart.contentBlockIndex ?? blocks.length] = {
        toolUse: { toolUseId, name, input: '' },
      };
    } else if (event.contentBlockDelta) {
      const index = event.contentBlockDelta.contentBlockIndex ?? 0;
      const block = blocks[index] ?? {};
      blocks[index] = block;
      const delta = event.contentBlockDelta.delta;
      if (delta?.text !== undefined) block.text = (block.text ?? '') + delta.text;
      if (delta?.toolUse?.input !== undefined && block.toolUse) block.toolUse.input += delta.toolUse.input;
    } else if (event.messageStop) {
      stopReason = event.messageStop.stopReason;
    } else if (event.metadata) {
      usage = event.metadata.usage;
      latencyMs = event.metadata.metrics?.latencyMs;
    }
  }
  const content = blocks.filter(Boolean).map((block): ContentBlock => {
    if (block.toolUse)
      return {
        toolUse: {
          toolUseId: block.toolUse.toolUseId,
          name: block.toolUse.name,
          input: block.toolUse.input ? JSON.parse(block.toolUse.input) : {},
        },
      } as ContentBlock;
    return { text: block.text ?? '' };
  });
  return {
    output: { message: { role: 'assistant', content } },
    stopReason,
    usage,
    metrics: latencyMs === undefined ? undefined : { latencyMs },
  };
}
