/**
 * Cuts an event-stream body into whole frames, one per chunk, and remembers the last one handed
 * out. The SDK's event-stream reader pulls one chunk at a time and yields an event as soon as a
 * frame is complete, so when it yields an event, {@link FrameSplitter.last} is that event's frame
 * (frames it skips, such as unknown event types, are passed over the same way). A truncated tail is
 * handed on as it is, so the SDK raises its own "Truncated event message received." error.
 */
export class FrameSplitter implements AsyncIterable<Uint8Array> {
  /** The frame most recently handed to the reader. */
  last: Uint8Array | undefined;

  constructor(private readonly body: AsyncIterable<Uint8Array>) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    let pending: Uint8Array | undefined;
    for await (const chunk of this.body) {
      let buffer = pending ? concat(pending, chunk) : chunk;
      pending = undefined;
      while (buffer.byteLength >= 4) {
        const length = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0, false);
        // A length under the 16-byte minimum is not a frame: handed on whole, for the SDK to reject.
        if (length < 16) {
          this.last = buffer;
          yield buffer;
          buffer = buffer.subarray(buffer.byteLength);
          break;
        }
        if (buffer.byteLength < length) break;
        const frame = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        this.last = frame;
        yield frame;
      }
      if (buffer.byteLength > 0) pending = buffer;
    }
    if (pending) {
      this.last = pending;
      yield pending;
    }
  }
}

function concat(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const joined = new Uint8Array(head.byteLength + tail.byteLength);
  joined.set(head, 0);
  joined.set(tail, head.byteLength);
  return joined;
}
