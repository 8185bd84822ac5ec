import type { ResponseStream } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { converseEventInfo, invokeBodyInfo, invokeChunkInfo } from './model-output.js';

const bytes = (body: unknown) =>
  new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
const chunk = (body: unknown): ResponseStream => ({ chunk: { bytes: bytes(body) } });

describe('converseEventInfo', () => {
  it('counts text and tool-use deltas and tool-use starts as content, and only text as text', () => {
    expect(
      converseEventInfo({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: ' Tokyo' } } }),
    ).toEqual({
      content: true,
      text: ' Tokyo',
      stop: false,
    });
    expect(
      converseEventInfo({
        contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"q":' } } },
      }),
    ).toEqual({
      content: true,
      text: undefined,
      stop: false,
    });
    expect(
      converseEventInfo({
        contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't1', name: 'lookup' } } },
      }),
    ).toMatchObject({ content: true, stop: false });
  });

  it('reads the stop reason and the usage, and nothing from the other events', () => {
    expect(converseEventInfo({ messageStop: { stopReason: 'max_tokens' } })).toEqual({
      content: false,
      stop: true,
      finishReason: 'max_tokens',
    });
    expect(
      converseEventInfo({
        metadata: {
          usage: { inputTokens: 12, outputTokens: 24, totalTokens: 36 },
          metrics: { latencyMs: 5 },
        },
      }),
    ).toEqual({ content: false, stop: false, usage: { inputTokens: 12, outputTokens: 24 } });
    for (const event of [
      { messageStart: { role: 'assistant' as const } },
      { contentBlockStart: { contentBlockIndex: 0, start: undefined } },
      { contentBlockStop: { contentBlockIndex: 0 } },
    ])
      expect(converseEventInfo(event)).toEqual({ content: false, stop: false });
  });
});

describe('invokeChunkInfo', () => {
  it('reads Anthropic Messages chunks: content from the first delta, usage and stop at the end', () => {
    const start = {
      type: 'message_start',
      message: { role: 'assistant', usage: { input_tokens: 12, output_tokens: 1 } },
    };
    expect(invokeChunkInfo(chunk(start))).toEqual({
      content: false,
      stop: false,
      usage: { inputTokens: 12 },
    });
    expect(
      invokeChunkInfo(
        chunk({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      ),
    ).toEqual({
      content: false,
      stop: false,
    });
    expect(
      invokeChunkInfo(
        chunk({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Tok' } }),
      ),
    ).toEqual({
      content: true,
      text: 'Tok',
      stop: false,
    });
    expect(invokeChunkInfo(chunk({ type: 'content_block_stop', index: 0 }))).toEqual({
      content: false,
      stop: false,
    });
    expect(invokeChunkInfo(chunk({ type: 'ping' }))).toEqual({ content: false, stop: false });
    expect(
      invokeChunkInfo(
        chunk({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }),
      ),
    ).toEqual({ content: false, stop: false, finishReason: 'end_turn', usage: { outputTokens: 2 } });
    const stop = {
      type: 'message_stop',
      'amazon-bedrock-invocationMetrics': { inputTokenCount: 12, outputTokenCount: 2 },
    };
    expect(invokeChunkInfo(chunk(stop))).toEqual({
      content: false,
      stop: true,
      usage: { inputTokens: 12, outputTokens: 2 },
    });
    expect(invokeChunkInfo(chunk({ type: 'message_stop' }))).toEqual({
      content: false,
      stop: true,
      usage: undefined,
    });
  });

  it('counts an Anthropic tool_use block start as content, and its JSON deltas as content without text', () => {
    const toolStart = {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 't', name: 'lookup', input: {} },
    };
    expect(invokeChunkInfo(chunk(toolStart))).toEqual({ content: true, stop: false });
    const jsonDelta = {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: '{}' },
    };
    expect(invokeChunkInfo(chunk(jsonDelta))).toEqual({ content: true, text: undefined, stop: false });
  });

  it('reads Nova chunks', () => {
    expect(invokeChunkInfo(chunk({ messageStart: { role: 'assistant' } }))).toEqual({
      content: false,
      stop: false,
    });
    expect(
      invokeChunkInfo(chunk({ contentBlockDelta: { delta: { text: 'Tok' }, contentBlockIndex: 0 } })),
    ).toEqual({
      content: true,
      text: 'Tok',
      stop: false,
    });
    expect(invokeChunkInfo(chunk({ contentBlockStop: { contentBlockIndex: 0 } }))).toEqual({
      content: false,
      stop: false,
    });
    expect(invokeChunkInfo(chunk({ messageStop: { stopReason: 'end_turn' } }))).toEqual({
      content: false,
      stop: true,
      finishReason: 'end_turn',
    });
    const metadata = {
      metadata: { usage: { inputTokens: 9, outputTokens: 3 } },
      'amazon-bedrock-invocationMetrics': {},
    };
    expect(invokeChunkInfo(chunk(metadata))).toEqual({
      content: false,
      stop: false,
      usage: { inputTokens: 9, outputTokens: 3 },
    });
  });

  it('treats an unknown or unreadable chunk as content, so failover stops rather than repeating text', () => {
    expect(invokeChunkInfo(chunk({ outputText: 'Tokyo', index: 0 }))).toEqual({ content: true, stop: false });
    expect(invokeChunkInfo(chunk('not json'))).toEqual({ content: true, stop: false });
    expect(invokeChunkInfo({ chunk: {} } as ResponseStream)).toEqual({ content: false, stop: false });
  });
});

describe('invokeBodyInfo', () => {
  it('reads an Anthropic Messages body', () => {
    const body = {
      content: [
        { type: 'text', text: 'Tok' },
        { type: 'tool_use', id: 't', name: 'lookup', input: {} },
        { type: 'text', text: 'yo' },
      ],
      stop_reason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 1 },
    };
    expect(invokeBodyInfo(bytes(body))).toEqual({
      usage: { inputTokens: 12, outputTokens: 1 },
      finishReasons: ['end_turn'],
      text: 'Tokyo',
    });
  });

  it('reads a Nova body', () => {
    const body = {
      output: { message: { role: 'assistant', content: [{ text: 'Tokyo' }] } },
      stopReason: 'max_tokens',
      usage: { inputTokens: 9, outputTokens: 1, totalTokens: 10 },
    };
    expect(invokeBodyInfo(bytes(body))).toEqual({
      usage: { inputTokens: 9, outputTokens: 1 },
      finishReasons: ['max_tokens'],
      text: 'Tokyo',
    });
  });

  it('reports nothing for a body it cannot read', () => {
    expect(invokeBodyInfo(bytes('<html>502</html>'))).toEqual({});
    expect(invokeBodyInfo(bytes({ generation: 'Tokyo' }))).toEqual({});
  });
});

describe('prompt-cache usage of InvokeModel streams', () => {
  it("reads Anthropic's cache tokens from message_start and the invocation metrics, and Nova's from metadata", () => {
    expect(
      invokeChunkInfo(
        chunk({
          type: 'message_start',
          message: {
            usage: { input_tokens: 5, cache_read_input_tokens: 1200, cache_creation_input_tokens: 0 },
          },
        }),
      ).usage,
    ).toEqual({ inputTokens: 5, cacheReadInputTokens: 1200, cacheWriteInputTokens: 0 });
    expect(
      invokeChunkInfo(
        chunk({
          type: 'message_stop',
          'amazon-bedrock-invocationMetrics': {
            inputTokenCount: 5,
            outputTokenCount: 9,
            cacheReadInputTokenCount: 0,
            cacheWriteInputTokenCount: 1200,
          },
        }),
      ).usage,
    ).toEqual({ inputTokens: 5, outputTokens: 9, cacheReadInputTokens: 0, cacheWriteInputTokens: 1200 });
    expect(
      invokeChunkInfo(
        chunk({ metadata: { usage: { inputTokens: 5, outputTokens: 9, cacheReadInputTokenCount: 700 } } }),
      ).usage,
    ).toMatchObject({ inputTokens: 5, outputTokens: 9, cacheReadInputTokens: 700 });
  });
});
