/**
 * Splits bytes into AWS event-stream messages (the framing in shared/bedrock-protocol.md §2) and
 * reads each one's `:event-type` (or `:exception-type`) header and JSON payload. Throws when the
 * bytes do not end on a message boundary, which is how the tests check that each write carries
 * whole messages.
 */
export function eventStreamMessages(bytes: Uint8Array): { type: string; payload: unknown }[] {
  const view = Buffer.from(bytes);
  const messages: { type: string; payload: unknown }[] = [];
  let offset = 0;
  while (offset < view.length) {
    if (view.length - offset < 16) throw new Error(`a partial message at byte ${offset}`);
    const total = view.readUInt32BE(offset);
    const headersLength = view.readUInt32BE(offset + 4);
    if (offset + total > view.length) throw new Error(`a message cut at byte ${offset}`);
    const headers: Record<string, string> = {};
    let cursor = offset + 12;
    const headersEnd = cursor + headersLength;
    while (cursor < headersEnd) {
      const nameLength = view.readUInt8(cursor);
      const name = view.toString('utf8', cursor + 1, cursor + 1 + nameLength);
      cursor += 1 + nameLength;
      const type = view.readUInt8(cursor);
      if (type !== 7) throw new Error(`header ${name} has type ${type}; the tests read strings only`);
      const valueLength = view.readUInt16BE(cursor + 1);
      headers[name] = view.toString('utf8', cursor + 3, cursor + 3 + valueLength);
      cursor += 3 + valueLength;
    }
    const payload = view.toString('utf8', headersEnd, offset + total - 4);
    messages.push({
      type: headers[':event-type'] ?? headers[':exception-type'] ?? '?',
      payload: payload ? JSON.parse(payload) : undefined,
    });
    offset += total;
  }
  return messages;
}
