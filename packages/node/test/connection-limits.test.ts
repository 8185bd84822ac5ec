import { once } from 'node:events';
import http2 from 'node:http2';
import { describe, expect, it } from 'vitest';
import { eventually, harness } from './harness.js';
import { type RawConnection, rawConnect, requestHead } from './raw-socket.js';

const test = harness();
const SHORT = { headersTimeoutMs: 300, idleTimeoutMs: 600 };

async function connections(url: string, count: number, send?: string): Promise<RawConnection[]> {
  const opened: RawConnection[] = [];
  for (let index = 0; index < count; index++) {
    const client = await rawConnect(url);
    test.defer(() => {
      client.socket.destroy();
    });
    if (send !== undefined) client.socket.write(send);
    opened.push(client);
  }
  return opened;
}

describe('connection limits', () => {
  it('closes connections that never send a byte, partial HTTP/2 prefaces and partial headers', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, SHORT);
    const silent = await connections(server.url, 20);
    // Part of the magic; the whole magic without the SETTINGS frame that ends the preface.
    const partialMagic = await connections(server.url, 20, 'PRI * HTTP/2');
    const noSettings = await connections(server.url, 20, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    const partialHeaders = await connections(
      server.url,
      20,
      'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n',
    );
    const all = [...silent, ...partialMagic, ...noSettings, ...partialHeaders];
    await eventually(
      () => all.every((client) => client.isClosed()),
      5_000,
      `every connection closed (${all.filter((client) => !client.isClosed()).length} open)`,
    );
  });

  it('closes an idle HTTP/2 session with a GOAWAY, and keeps an idle keep-alive connection past the headers timeout', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, SHORT);
    const session = http2.connect(server.url);
    session.on('error', () => {});
    test.defer(() => {
      session.destroy();
    });
    const stream = session.request({ ':path': '/healthz' });
    stream.end();
    const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
    expect(headers[':status']).toBe(200);
    stream.resume();
    const goaway = once(session, 'goaway');
    await eventually(() => session.closed || session.destroyed, 5_000, 'the idle session closed');
    await goaway;

    // HTTP/1.1 keep-alive: idle for longer than the headers timeout, shorter than the idle one.
    const client = await rawConnect(server.url);
    test.defer(() => {
      client.socket.destroy();
    });
    client.socket.write(requestHead('GET', '/healthz', {}));
    await eventually(() => client.received().includes('"status"'), 5_000, 'the first answer');
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(client.isClosed()).toBe(false);
    client.socket.write(requestHead('GET', '/healthz', {}));
    await eventually(() => client.received().split('HTTP/1.1 200').length === 3, 5_000, 'the second answer');
    await eventually(() => client.isClosed(), 5_000, 'the keep-alive connection closed once idle');
  });

  it('refuses connections past maxConnections and logs it, then accepts again', async () => {
    const sim = await test.simulator();
    const { server, log } = await test.server(sim, { maxConnections: 3 });
    const held = await connections(server.url, 3);
    const refused = await rawConnect(server.url);
    test.defer(() => {
      refused.socket.destroy();
    });
    await eventually(() => refused.isClosed(), 5_000, 'the connection past the limit closed');
    expect(held.some((client) => client.isClosed())).toBe(false);
    await eventually(() => log.events('connection-limit').length === 1, 5_000, 'the log line');
    expect(log.events('connection-limit')[0]).toMatchObject({ maxConnections: 3, level: 40 });
    held[0]!.socket.destroy();
    await eventually(
      async () =>
        (await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
          (response) => response.status,
          () => 0,
        )) === 200,
      5_000,
      'a connection accepted again',
    );
  });

  it('serves every one of a burst of new connections through its several listening sockets, and a second server cannot take its port', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, { acceptListeners: 4 });
    const burst = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const client = await rawConnect(server.url);
        test.defer(() => {
          client.socket.destroy();
        });
        client.socket.write(requestHead('GET', '/healthz', {}));
        await eventually(() => client.received().includes('HTTP/1.1 200'), 10_000, 'the answer');
        return client;
      }),
    );
    expect(burst).toHaveLength(40);
    // The sockets share the port through SO_REUSEPORT; another server must not join them.
    const { port } = new URL(server.url);
    await expect(test.server(sim, { port: Number(port) })).rejects.toThrow(
      new RegExp(`port ${port} is already in use`),
    );
    await expect(test.server(sim, { acceptListeners: 0 })).rejects.toThrow(
      /acceptListeners must be a positive whole number, got 0/,
    );
  });
});
