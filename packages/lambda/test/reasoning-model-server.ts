import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

// The simulator does not model reasoning, so this stands in for a reasoning model's ConverseStream
// on the wire: AWS event-stream messages (shared/bedrock-protocol.md §2), which the real AWS SDK
// inside the engine decodes. Blobs (redacted reasoning) are base64 in the JSON payloads, as on
// Bedrock's wire.

/** One ConverseStream event: its type and JSON payload. */
export type StreamEvent = readonly [type: string, payload: Record<string, unknown>];

function header(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name);
  const valueBytes = Buffer.from(value);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(valueBytes.length);
  return Buffer.concat([Buffer.from([nameBytes.length]), nameBytes, Buffer.from([7]), length, valueBytes]);
}

/** One event-stream message: prelude, its CRC, headers, payload, the message CRC. */
export function eventMessage([type, payload]: StreamEvent): Buffer {
  const headers = Buffer.concat([
    header(':event-type', type),
    header(':content-type', 'application/json'),
    header(':message-type', 'event'),
  ]);
  const body = Buffer.from(JSON.stringify(payload));
  const prelude = Buffer.alloc(8);
  prelude.writeUInt32BE(16 + headers.length + body.length, 0);
  prelude.writeUInt32BE(headers.length, 4);
  const preludeCrc = Buffer.alloc(4);
  preludeCrc.writeUInt32BE(crc32(prelude));
  const withoutCrc = Buffer.concat([prelude, preludeCrc, headers, body]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(withoutCrc));
  return Buffer.concat([withoutCrc, messageCrc]);
}

/** Starts a server answering every ConverseStream request with these events. */
export async function startReasoningModel(events: readonly StreamEvent[]) {
  const server = createServer(async (request, response) => {
    for await (const _chunk of request); // the SDK's request body; its content does not matter here
    response.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': 'reasoning-model-request',
    });
    for (const event of events) response.write(eventMessage(event));
    response.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
