import { once } from 'node:events';
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayResponse } from '@bedrock-ha/http';
import { afterEach, describe, expect, it } from 'vitest';
import { writeGatewayResponse } from './write-gateway-response.js';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serves one fixed gateway response per request and says where. */
async function serve(answer: () => GatewayResponse): Promise<string> {
  const server = createServer((_request, response) => {
    void writeGatewayResponse(response, answer());
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function request(url: string): Promise<IncomingMessage> {
  const pending = get(url);
  const [response] = (await once(pending, 'response')) as [IncomingMessage];
  return response;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 10_000) throw new Error(`${what} did not happen within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const CHUNK = new Uint8Array(64 * 1024).fill(97);

describe('writeGatewayResponse', () => {
  it('writes a string body with its status and headers, and a length', async () => {
    const url = await serve(() => ({
      status: 418,
      headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
      body: '{"ok":true}',
    }));
    const response = await fetch(url);
    expect(response.status).toBe(418);
    expect(response.headers.get('x-request-id')).toBe('r-1');
    expect(response.headers.get('content-length')).toBe('11');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('pulls the next chunk only when the client has taken the last, and releases the stream when it leaves', async () => {
    let pulled = 0;
    let released = false;
    async function* endless() {
      try {
        for (;;) {
          pulled++;
          yield CHUNK;
        }
      } finally {
        released = true;
      }
    }
    const url = await serve(() => ({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: endless(),
    }));
    const response = await request(url);
    // The client reads nothing: once the socket buffers are full the writer must stop pulling.
    response.pause();
    await until(() => pulled > 0, 'the first pull');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pulledWhilePaused = pulled;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pulled, 'pulls continued while the client read nothing').toBe(pulledWhilePaused);
    // 64 KiB chunks: a few MB of socket and stream buffers at most, far from unbounded.
    expect(pulledWhilePaused).toBeLessThan(200);
    response.destroy();
    await until(() => released, "the iterator's return() after the client left");
  });

  it('cuts the response when the stream fails after its headers went out', async () => {
    async function* failing() {
      yield new TextEncoder().encode('data: first\n\n');
      throw new Error('upstream broke');
    }
    const url = await serve(() => ({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: failing(),
    }));
    const response = await request(url);
    let received = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      received += chunk;
    });
    const ended = await new Promise<string>((resolve) => {
      response.on('end', () => resolve('clean end'));
      response.on('error', () => resolve('cut'));
      response.on('aborted', () => resolve('cut'));
    });
    expect(received).toBe('data: first\n\n');
    expect(ended).toBe('cut');
  });
});
