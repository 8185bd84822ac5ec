import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { createGateway } from '@bedrock-ha/http';
import { bedrockClient } from '@bedrock-ha/test-kit';
import { describe, expect, it } from 'vitest';
import { serveGatewayRequest, writeGatewayResponse } from '../src/index.js';
import { API_KEY, harness, outcomesIn, userMessage } from './harness.js';

const test = harness();

/** A cleartext HTTP/2 server (what the AWS SDK's default handler speaks) on a free port. */
async function listenHttp2(
  handler: (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => void,
): Promise<string> {
  const server = http2.createServer(handler);
  const sessions = new Set<http2.Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  test.defer(async () => {
    for (const session of sessions) session.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('serveGatewayRequest over node:http2', () => {
  it('serves the default AWS SDK client (HTTP/2) Converse and ConverseStream through failover', async () => {
    const sim = await test.simulator();
    const gateway = createGateway(test.engine(sim), { apiKeys: [API_KEY] });
    test.defer(() => gateway.close());
    const url = await listenHttp2(
      (request, response) => void serveGatewayRequest(gateway, request, response),
    );
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const client = bedrockClient(url, { apiKey: API_KEY, protocol: 'default' });
    test.defer(() => client.destroy());

    const answer = await client.send(new ConverseCommand({ modelId: 'chat', messages: userMessage('hi') }));
    expect(answer.output?.message?.content?.[0]?.text).toBeTruthy();
    expect(client.seen.lastHeaders['x-bedrock-ha-endpoint']).toBe('backup');
    const streamed = await client.send(
      new ConverseStreamCommand({ modelId: 'chat', messages: userMessage('hi') }),
    );
    let stopReason: string | undefined;
    for await (const event of streamed.stream ?? []) stopReason ??= event.messageStop?.stopReason;
    expect(stopReason).toBe('end_turn');
    expect(outcomesIn(sim, 'us-west-2').success).toBe(2);
  });

  it('resets only the stream, not the session, when a body fails after its headers went out', async () => {
    async function* failing() {
      yield new TextEncoder().encode('data: first\n\n');
      throw new Error('upstream broke');
    }
    const url = await listenHttp2((request, response) => {
      const body = request.url === '/fails' ? failing() : 'fine';
      void writeGatewayResponse(response, { status: 200, headers: { 'content-type': 'text/plain' }, body });
    });
    const session = http2.connect(url);
    test.defer(() => {
      session.destroy();
    });

    const cut = session.request({ ':path': '/fails' });
    cut.end();
    let received = '';
    cut.setEncoding('utf8');
    cut.on('data', (chunk: string) => {
      received += chunk;
    });
    const ended = await new Promise<string>((resolve) => {
      cut.on('end', () => resolve('clean end'));
      cut.on('error', () => resolve('reset'));
      cut.on('close', () =>
        resolve(cut.rstCode === http2.constants.NGHTTP2_NO_ERROR ? 'clean end' : 'reset'),
      );
    });
    expect(received).toBe('data: first\n\n');
    expect(ended).toBe('reset');

    const next = session.request({ ':path': '/fine' });
    next.end();
    next.setEncoding('utf8');
    let text = '';
    for await (const chunk of next) text += chunk;
    expect(text).toBe('fine');
  });
});
