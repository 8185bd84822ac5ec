import { once } from 'node:events';
import net from 'node:net';
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import express from 'express';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { bedrockHARouter } from '../src/index.js';
import { API_KEY, appWith, bedrockClient, harness, outcomesIn, userMessage } from './harness.js';

const TOKYO = 'what is the largest city in the world? only give the answer with no details';
const test = harness();

async function gatewayAt(
  prefix: string,
  options: Parameters<typeof bedrockHARouter>[1] = { apiKeys: [API_KEY] },
) {
  const sim = await test.simulator();
  const ha = test.engine(sim);
  const router = bedrockHARouter(ha, options);
  test.defer(() => router.close());
  const { url, server } = await test.listen(appWith(router, prefix));
  return { sim, ha, router, url, server };
}

describe('bedrockHARouter', () => {
  it('serves OpenAI chat completions at its mount prefix, beside the app’s own routes', async () => {
    const { url } = await gatewayAt('/ai');
    const openai = new OpenAI({ baseURL: `${url}/ai/v1`, apiKey: API_KEY, maxRetries: 0 });

    const { data, response } = await openai.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: TOKYO }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Tokyo');
    expect(response.headers.get('x-bedrock-ha-endpoint')).toBe('primary');

    const stream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: TOKYO }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Tokyo');

    // Paths outside the gateway's fall through to the app.
    expect(await (await fetch(`${url}/status`)).json()).toEqual({ app: 'own route' });
    const elsewhere = await fetch(`${url}/ai/not-a-gateway-path`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.headers.get('x-request-id')).toBeNull();
  });

  it('lets the AWS SDK Converse and ConverseStream through a chain that fails over from a throttled PT', async () => {
    const { url, sim } = await gatewayAt('/bedrock');
    sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const client = bedrockClient(`${url}/bedrock`);
    test.defer(() => client.destroy());

    const answer = await client.send(new ConverseCommand({ modelId: 'chat', messages: userMessage(TOKYO) }));
    expect(answer.output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect(client.seen.lastHeaders['x-bedrock-ha-endpoint']).toBe('backup');
    expect(client.seen.lastHeaders['x-bedrock-ha-region']).toBe('us-west-2');

    const streamed = await client.send(
      new ConverseStreamCommand({ modelId: 'chat', messages: userMessage(TOKYO) }),
    );
    let text = '';
    for await (const event of streamed.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
    expect(text).toBe('Tokyo');
    expect(client.seen.lastHeaders['x-bedrock-ha-endpoint']).toBe('backup');
    expect(outcomesIn(sim, 'us-east-1').ThrottlingException).toBe(2);
    expect(outcomesIn(sim, 'us-west-2').success).toBe(2);
  });

  it('answers 413 without reading an oversized body, declared or chunked, and keeps serving', async () => {
    const { url, sim } = await gatewayAt('/', { apiKeys: [API_KEY], maxBodyBytes: 4096 });
    const big = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'x'.repeat(100_000) }] });
    const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

    const declared = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body: big });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { message: string } }).error.message).toMatch(/4096/);

    // No content-length: the limit is found while reading.
    const chunked = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    await chunked.arrayBuffer();

    const fine = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: TOKYO }] }),
    });
    expect(fine.status).toBe(200);
    expect(sim.counters().reduce((sum, counter) => sum + counter.requests, 0)).toBe(1);
  });

  it('answers a caller without a key with a 401 before it sends its body', async () => {
    const { url } = await gatewayAt('/ai');
    const { port } = new URL(url);
    const socket = net.connect(Number(port), '127.0.0.1');
    test.defer(() => {
      socket.destroy();
    });
    await once(socket, 'connect');
    // 1 MB announced, a few bytes sent, then nothing: the answer must not wait for the rest.
    socket.write(
      'POST /ai/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n{"model":',
    );
    const [first] = (await once(socket, 'data')) as [Buffer];
    expect(first.toString('latin1')).toMatch(/^HTTP\/1\.1 401/);
  });

  it('works behind a JSON body parser the app mounted first', async () => {
    const sim = await test.simulator();
    const router = bedrockHARouter(test.engine(sim), { apiKeys: [API_KEY] });
    const app = express();
    app.use(express.json());
    app.use(router);
    const { url } = await test.listen(app);
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: API_KEY, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: TOKYO }],
    });
    expect(completion.choices[0]?.message.content).toBe('Tokyo');
  });
});
