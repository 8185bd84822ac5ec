import type { LanguageModelV4StreamPart, SharedV4Warning } from '@ai-sdk/provider';
import type { ConverseStreamOutput, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { ConverseStreamResult } from '@bedrock-ha/core';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';
import { servedByMetadata } from './served-by-metadata.js';

type Block =
  | { readonly kind: 'text'; readonly id: string }
  | { readonly kind: 'reasoning'; readonly id: string }
  | { readonly kind: 'tool'; readonly id: string; readonly name: string; input: string };

/**
 * The engine's ConverseStream events as AI SDK stream parts. Converse opens only tool-use blocks
 * with `contentBlockStart`; text and reasoning blocks start with their first delta. The finish
 * part carries `servedBy` as it is at the end (a resumed stream may have moved endpoints).
 */
export function converseStreamParts(
  result: ConverseStreamResult,
  warnings: SharedV4Warning[],
  includeRawChunks: boolean,
): ReadableStream<LanguageModelV4StreamPart> {
  const iterator = result.stream[Symbol.asyncIterator]();
  const blocks = new Map<number, Block>();
  let stopReason: string | undefined;
  let usage: TokenUsage | undefined;
  let failed = false;
  let started = false;

  const handle = (event: ConverseStreamOutput, enqueue: (part: LanguageModelV4StreamPart) => void) => {
    if (includeRawChunks) enqueue({ type: 'raw', rawValue: event });
    if (event.contentBlockStart) {
      const index = event.contentBlockStart.contentBlockIndex ?? 0;
      const toolUse = event.contentBlockStart.start?.toolUse;
      if (toolUse?.toolUseId && toolUse.name) {
        blocks.set(index, { kind: 'tool', id: toolUse.toolUseId, name: toolUse.name, input: '' });
        enqueue({ type: 'tool-input-start', id: toolUse.toolUseId, toolName: toolUse.name });
      }
    } else if (event.contentBlockDelta) {
      const index = event.contentBlockDelta.contentBlockIndex ?? 0;
      const delta = event.contentBlockDelta.delta;
      const open = (kind: 'text' | 'reasoning'): Block => {
        const existing = blocks.get(index);
        if (existing) return existing;
        const block: Block = { kind, id: String(index) };
        blocks.set(index, block);
        enqueue({ type: `${kind}-start`, id: block.id });
        return block;
      };
      if (delta?.text !== undefined) {
        enqueue({ type: 'text-delta', id: open('text').id, delta: delta.text });
      } else if (delta?.toolUse?.input !== undefined) {
        const block = blocks.get(index);
        if (block?.kind === 'tool') {
          block.input += delta.toolUse.input;
          enqueue({ type: 'tool-input-delta', id: block.id, delta: delta.toolUse.input });
        }
      } else if (delta?.reasoningContent) {
        const { text, signature } = delta.reasoningContent;
        const block = open('reasoning');
        if (text !== undefined) enqueue({ type: 'reasoning-delta', id: block.id, delta: text });
        if (signature !== undefined) {
          enqueue({
            type: 'reasoning-delta',
            id: block.id,
            delta: '',
            providerMetadata: { bedrockHa: { signature } },
          });
        }
      }
    } else if (event.contentBlockStop) {
      const index = event.contentBlockStop.contentBlockIndex ?? 0;
      const block = blocks.get(index);
      blocks.delete(index);
      if (block) closeBlock(block, enqueue);
    } else if (event.messageStop) {
      stopReason = event.messageStop.stopReason;
    } else if (event.metadata) {
      usage = event.metadata.usage;
    }
  };

  return new ReadableStream<LanguageModelV4StreamPart>({
    async pull(controller) {
      let enqueued = false;
      const enqueue = (part: LanguageModelV4StreamPart) => {
        enqueued = true;
        controller.enqueue(part);
      };
      if (!started) {
        started = true;
        enqueue({ type: 'stream-start', warnings });
        enqueue({ type: 'response-metadata', modelId: result.servedBy.modelId });
      }
      try {
        // A pull that enqueues nothing is not called again: read until an event gives a part.
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          handle(next.value, enqueue);
          if (enqueued) return;
        }
      } catch (error) {
        failed = true;
        enqueue({ type: 'error', error });
      }
      for (const block of blocks.values()) closeBlock(block, enqueue);
      blocks.clear();
      enqueue({
        type: 'finish',
        finishReason: failed ? { unified: 'error', raw: stopReason } : mapFinishReason(stopReason),
        usage: mapUsage(usage),
        providerMetadata: servedByMetadata(result),
      });
      controller.close();
    },
    async cancel() {
      // Leaving the engine's stream releases its connection and bulkhead slot.
      await iterator.return?.();
    },
  });
}

function closeBlock(block: Block, enqueue: (part: LanguageModelV4StreamPart) => void): void {
  if (block.kind === 'tool') {
    enqueue({ type: 'tool-input-end', id: block.id });
    enqueue({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input: block.input || '{}' });
  } else {
    enqueue({ type: `${block.kind}-end`, id: block.id });
  }
}
