import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http2 from 'node:http2';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { API_KEY, eventually, harness } from './harness.js';
import { rawConnect, requestHead } from './raw-socket.js';

const test = harness();
const COMPLETIONS = '/v1/chat/completions';
const LIMIT = 64 * 1024;

describe('an upload the gateway refuses', () => {
  it('without a key gets its 401 from the headers alone, before the body is sent', async () => {
    const sim = await test.simulator();
    const { server, log } = await test.server(sim);
    const client = await rawConnect(server.url);
    test.defer(() => {
      client.socket.destroy();
    });
    // Nearly 1 MiB announced, a few bytes sent, then nothing: the server must not wait for the rest.
    client.socket.write(
      requestHead('POST', COMPLETIONS, { 'content-type': 'application/json', 'content-length': 1_000_000 }),
    );
    client.socket.write('{"model":"chat",');
    await eventually(() => client.received().startsWith('HTTP/1.1 401'), 5_000, 'the 401');
    expect(client.received()).toMatch(/connection: close/i);
    expect(log.events('request').map((line) => [line.route, line.status])).toEqual([
      ['POST /v1/chat/completions', 401],
    ]);

    // The same over HTTP/2: a stream whose body never ends.
    const session = http2.connect(server.url);
    session.on('error', () => {});
    test.defer(() => {
      session.destroy();
    });
    const stream = session.request({ ':method': 'POST', ':path': COMPLETIONS, 'content-length': '1000000' });
    stream.on('error', () => {});
    stream.write('{"model":"chat",');
    const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
    expect(headers[':status']).toBe(401);
  });

  it('buffers at most 64 KiB for a caller without a key on a public route', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim);
    const body = 'x'.repeat(LIMIT + 1);
    const response = await fetch(`${server.url}/healthz`, { method: 'POST', body });
    // POST /healthz is no route: without a key, that is a 401 before the body.
    expect(response.status).toBe(401);
    const client = await rawConnect(server.url);
    test.defer(() => {
      client.socket.destroy();
    });
    client.socket.write(requestHead('GET', '/healthz', { 'content-length': body.length }));
    client.socket.write(body);
    await eventually(() => /^HTTP\/1\.1 \d{3}/.test(client.received()), 5_000, 'an answer');
    expect(client.received()).toMatch(/^HTTP\/1\.1 413/);
    expect(client.received()).toContain(String(LIMIT));
  });

  it('after a 413, drops a chunked upload that never ends within twice the limit, then closes', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, { maxBodyBytes: 4_096 });
    const client = await rawConnect(server.url);
    test.defer(() => {
      client.socket.destroy();
    });
    client.socket.write(
      requestHead('POST', COMPLETIONS, {
        'x-api-key': API_KEY,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      }),
    );
    // 1 KiB chunks as fast as the socket takes them, until the server closes the connection.
    const chunk = `400\r\n${'x'.repeat(1_024)}\r\n`;
    let sent = 0;
    const pump = async () => {
      while (!client.isClosed() && !client.socket.destroyed && sent < 200_000_000) {
        sent += 1_024;
        if (!client.socket.write(chunk)) await Promise.race([once(client.socket, 'drain'), client.closed]);
      }
    };
    void pump().catch(() => {});
    await Promise.race([
      client.closed,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`still open after ${sent} bytes`)), 10_000),
      ),
    ]);
    expect(client.received()).toMatch(/^HTTP\/1\.1 413/);
    // The limit, the drain's budget and the sockets' buffers: megabytes at most, not gigabytes.
    expect(sent).toBeLessThan(50_000_000);
  });

  it('a client sending Connection: close reads its 413 instead of a reset, every time', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, { maxBodyBytes: LIMIT });
    const body = 'x'.repeat(LIMIT * 1.5);
    for (let round = 0; round < 10; round++) {
      const client = await rawConnect(server.url);
      test.defer(() => {
        client.socket.destroy();
      });
      // Like Python's urllib: the whole body first, then read the answer; the body in pieces, as
      // over a network, so the upload is still going when the answer is ready.
      client.socket.write(
        requestHead('POST', COMPLETIONS, {
          'x-api-key': API_KEY,
          'content-type': 'application/json',
          'content-length': body.length,
          connection: 'close',
        }),
      );
      for (let offset = 0; offset < body.length; offset += 8_192) {
        if (client.isClosed()) break;
        client.socket.write(body.slice(offset, offset + 8_192));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      client.socket.end();
      const { error } = await client.closed;
      expect({ round, error, status: client.received().slice(0, 12) }).toEqual({
        round,
        error: undefined,
        status: 'HTTP/1.1 413',
      });
    }
  });

  it("Python's urllib reads the 413 of an upload over the limit", async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, { maxBodyBytes: 1_048_576 });
    const script = [
      'import sys, urllib.request, urllib.error',
      'import time',
      // The body in pieces, as over a network: the upload is still going when the 413 is ready.
      'def body():',
      '    for _ in range(24):',
      '        time.sleep(0.01)',
      '        yield b"x" * 65_536',
      `headers = {"x-api-key": "${API_KEY}", "content-type": "application/json", "content-length": str(24 * 65_536)}`,
      `request = urllib.request.Request(sys.argv[1] + "${COMPLETIONS}", data=body(), headers=headers)`,
      'try:',
      '    urllib.request.urlopen(request)',
      '    print("no error")',
      'except urllib.error.HTTPError as error:',
      '    print(error.code)',
      'except Exception as error:',
      '    print(type(error).__name__, error)',
    ].join('\n');
    for (let round = 0; round < 3; round++) {
      const { stdout } = await promisify(execFile)('python3', ['-c', script, server.url], {
        timeout: 15_000,
      });
      expect(stdout.trim()).toBe('413');
    }
  });
});
