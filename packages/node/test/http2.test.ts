import { once } from 'node:events';
import http2 from 'node:http2';
import { describe, expect, it } from 'vitest';
import { API_KEY, eventually, harness, outcomesIn, SIMULATOR, userMessage } from './harness.js';

const test = harness();

/** One request over a cleartext HTTP/2 session with prior knowledge, as the AWS SDK's default handler speaks. */
async function http2Request(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: string,
): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }> {
  const stream = session.request(headers);
  stream.end(body);
  const [responseHeaders] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk;
  return { status: Number(responseHeaders[':status']), headers: responseHeaders, body: text };
}

function connect(url: string): http2.ClientHttp2Session {
  const session = http2.connect(url);
  session.on('error', () => {});
  test.defer(() => {
    session.destroy();
  });
  return session;
}

describe('HTTP/2 beside HTTP/1.1 on one port', () => {
  it('answers both protocols, with the same auth, body limit and access log over HTTP/2', async () => {
    const sim = await test.simulator();
    const { server, log } = await test.server(sim, { maxBodyBytes: 1_024 });
    const session = connect(server.url);

    const health = await http2Request(session, { ':method': 'GET', ':path': '/healthz' });
    expect(health.status).toBe(200);
    expect(health.headers['x-request-id']).toBeTruthy();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const noKey = await http2Request(session, { ':method': 'GET', ':path': '/v1/models' });
    expect(noKey.status).toBe(401);
    const models = await http2Request(session, {
      ':method': 'GET',
      ':path': '/v1/models',
      authorization: `Bearer ${API_KEY}`,
    });
    expect(models.status).toBe(200);
    expect(JSON.parse(models.body).data.map((model: { id: string }) => model.id)).toEqual(['chat']);

    const oversized = await http2Request(
      session,
      {
        ':method': 'POST',
        ':path': '/v1/chat/completions',
        authorization: `Bearer ${API_KEY}`,
        'content-type': 'application/json',
      },
      JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(2_048) }] }),
    );
    expect(oversized.status).toBe(413);
    expect(oversized.body).toMatch(/1024 bytes/);

    expect(log.events('request').map((line) => [line.route, line.status])).toEqual([
      ['GET /healthz', 200],
      ['GET /healthz', 200],
      ['GET /v1/models', 401],
      ['GET /v1/models', 200],
      ['POST /v1/chat/completions', 413],
    ]);
    expect(sim.counters()).toEqual([]);
  });

  it('aborts the upstream call when an HTTP/2 client resets its stream midway', async () => {
    // About 20 s of answer at 20 tokens a second: the client leaves long before the end.
    const sim = await test.simulator({
      ...SIMULATOR,
      models: { '*': { tokensPerSecond: 20, outputTokens: 400 } },
    });
    const { server, log } = await test.server(sim);
    const session = connect(server.url);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/model/chat/converse-stream',
      'x-api-key': API_KEY,
      'content-type': 'application/json',
    });
    stream.end(JSON.stringify({ messages: userMessage('a long story') }));
    const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
    expect(headers[':status']).toBe(200);
    await once(stream, 'data');
    stream.close(http2.constants.NGHTTP2_CANCEL);

    await eventually(
      () => outcomesIn(sim, 'us-east-1').aborted === 1,
      10_000,
      'the simulator saw the call cut',
    );
    await eventually(() => log.events('request').length === 1, 10_000, 'the access log line');
    expect(log.events('request')[0]).toMatchObject({
      route: 'POST /model/{chain}/converse-stream',
      status: 200,
    });
    // The session outlives its reset stream, ready for the next request.
    expect((await http2Request(session, { ':method': 'GET', ':path': '/healthz' })).status).toBe(200);
  });
});
