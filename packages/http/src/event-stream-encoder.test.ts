import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { encodeEvent } from './event-stream-encoder.js';

// The SDK's own codec: what the encoder replaced, and what every client decodes with.
const codec = new EventStreamCodec(toUtf8, fromUtf8);
const EVENTS = [
  { messageStart: { role: 'assistant' } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Tōkyō, 東京 — "quoted" \\ and\nnewline' } } },
  { contentBlockStop: { contentBlockIndex: 0 } },
  { messageStop: { stopReason: 'end_turn' } },
  {
    metadata: {
      usage: { inputTokens: 12, outputTokens: 200, totalTokens: 212 },
      metrics: { latencyMs: 2000 },
    },
  },
  { chunk: { bytes: new TextEncoder().encode('{"type":"content_block_delta"}') } },
];

describe('encodeEvent', () => {
  it("writes the SDK codec's bytes for the same event, headers in the same order", () => {
    for (const event of EVENTS) {
      const [eventType, payload] = Object.entries(event)[0]!;
      const frame = encodeEvent(event);
      const decoded = codec.decode(frame!);
      expect(decoded.headers).toEqual({
        ':event-type': { type: 'string', value: eventType },
        ':message-type': { type: 'string', value: 'event' },
        ':content-type': { type: 'string', value: 'application/json' },
      });
      const expected = codec.encode({ headers: decoded.headers, body: decoded.body });
      expect(Buffer.from(frame!).equals(Buffer.from(expected))).toBe(true);
      expect(payload).toBeDefined();
    }
  });

  it('writes one frame per member and none for an unknown one', () => {
    expect(encodeEvent({ $unknown: ['x', 1] })).toBeUndefined();
    const bytes = Buffer.from(
      encodeEvent({ messageStart: { role: 'assistant' }, messageStop: { stopReason: 'end_turn' } })!,
    );
    const first = bytes.readUInt32BE(0);
    const types = [bytes.subarray(0, first), bytes.subarray(first)].map(
      (frame) => codec.decode(frame).headers[':event-type']?.value,
    );
    expect(types).toEqual(['messageStart', 'messageStop']);
  });
});
