import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { API_KEY, bedrockClient, eventually, harness, openaiClient, TOKYO, userMessage } from './harness.js';
import { rawConnect, requestHead } from './raw-socket.js';

const test = harness();
const messages = [{ role: 'user' as const, content: TOKYO }];
const COUNT = 12;

describe('requests started per event-loop turn (maxRequestsPerTurn)', () => {
  it('with a cap of 1, answers many requests sent at once over HTTP/1.1 and h2c, streams included', async () => {
    const sim = await test.simulator();
    // No queue-wait bound: on a slow machine 25 calls queued one per turn wait past the default
    // 100 ms, and this test is about every one of them being answered (shedding: overload-shedding.test.ts).
    const { server, log } = await test.server(sim, { maxRequestsPerTurn: 1, maxQueueWaitMs: 0 });

    const openai = openaiClient(server.url);
    const bedrock = bedrockClient(server.url);
    const [chats, converses, streamed] = await Promise.all([
      Promise.all(
        Array.from({ length: COUNT }, () => openai.chat.completions.create({ model: 'chat', messages })),
      ),
      // The AWS SDK's default: one h2c session carrying every call.
      Promise.all(
        Array.from({ length: COUNT }, () =>
          bedrock.send(new ConverseCommand({ modelId: 'chat', messages: userMessage(TOKYO) })),
        ),
      ),
      (async () => {
        const stream = await openai.chat.completions.create({ model: 'chat', messages, stream: true });
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      })(),
    ]);

    expect(chats.map((chat) => chat.choices[0]?.message.content)).toEqual(Array(COUNT).fill('Tokyo'));
    expect(converses.map((answer) => answer.output?.message?.content?.[0]?.text)).toEqual(
      Array(COUNT).fill('Tokyo'),
    );
    expect(streamed).toBe('Tokyo');
    const statuses = log.events('request').map((line) => line.status);
    expect(statuses).toEqual(Array(2 * COUNT + 1).fill(200));
  }, 60_000);

  it('answers pipelined HTTP/1.1 requests on one connection in their order', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, { maxRequestsPerTurn: 1 });
    const connection = await rawConnect(server.url);
    const paths = ['/healthz', '/v1/models', '/healthz', '/v1/nowhere', '/v1/models'];
    connection.socket.write(
      paths.map((path) => requestHead('GET', path, { authorization: `Bearer ${API_KEY}` })).join(''),
    );
    const statusLines = () => connection.received().match(/HTTP\/1\.1 \d{3}/g) ?? [];
    await eventually(() => statusLines().length >= paths.length, 10_000, 'every answer');
    connection.socket.destroy();
    expect(statusLines()).toEqual([
      'HTTP/1.1 200',
      'HTTP/1.1 200',
      'HTTP/1.1 200',
      'HTTP/1.1 404',
      'HTTP/1.1 200',
    ]);
  }, 30_000);

  it('still refuses past maxInFlight with a retryable 503, and serves again once a place is free', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim, { maxInFlight: 1, maxRequestsPerTurn: 1 });
    sim.faults.add({ match: { region: 'us-east-1' }, fault: { type: 'latency', ms: 1_500 } });
    const openai = openaiClient(server.url);
    const slow = openai.chat.completions.create({ model: 'chat', messages });
    await eventually(() => sim.faults.list()[0]?.applied === 1, 10_000, 'the slow call in flight');

    const refused = await openai.chat.completions
      .create({ model: 'chat', messages })
      .catch((error: unknown) => error as InstanceType<typeof OpenAI.APIError>);
    expect(refused).toBeInstanceOf(OpenAI.InternalServerError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('1');
    expect(sim.faults.list()[0]?.matched).toBe(1);

    expect((await slow).choices[0]?.message.content).toBe('Tokyo');
    const after = await openai.chat.completions.create({ model: 'chat', messages });
    expect(after.choices[0]?.message.content).toBe('Tokyo');
  }, 30_000);

  it('refuses a cap that is not a whole number from 0 before starting anything', async () => {
    const sim = await test.simulator();
    await expect(test.server(sim, { maxRequestsPerTurn: -1 })).rejects.toThrow(
      /maxRequestsPerTurn must be a whole number from 0/,
    );
  });
});
