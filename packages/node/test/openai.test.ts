import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { API_KEY, harness, openaiClient, TOKYO } from './harness.js';

const test = harness();

describe('the server with the official openai client', () => {
  it('answers chat completions, streamed and not, and logs one access line per request without content or keys', async () => {
    const sim = await test.simulator();
    const { server, log } = await test.server(sim);
    const openai = openaiClient(server.url);

    const { data, response } = await openai.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: TOKYO }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Tokyo');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(response.headers.get('x-bedrock-ha-endpoint')).toBe('primary');
    expect(response.headers.get('x-request-id')).toBeTruthy();

    const stream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: TOKYO }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Tokyo');

    const requests = log.events('request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({
      level: 30,
      method: 'POST',
      route: 'POST /v1/chat/completions',
      chain: 'chat',
      status: 200,
      endpointId: 'primary',
      region: 'us-east-1',
      requestId: response.headers.get('x-request-id'),
    });
    const everything = log.raw.join('\n');
    expect(everything).not.toContain('largest city');
    expect(everything).not.toContain('Tokyo');
    expect(everything).not.toContain(API_KEY);
    expect(log.events('no-api-keys')).toEqual([]);
  });

  it("raises openai's typed errors: NotFoundError, AuthenticationError, BadRequestError", async () => {
    const sim = await test.simulator();
    const { server, log } = await test.server(sim);
    const messages = [{ role: 'user' as const, content: TOKYO }];

    const unknownModel = await openaiClient(server.url)
      .chat.completions.create({ model: 'gpt-4o', messages })
      .catch((error: unknown) => error);
    expect(unknownModel).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknownModel as Error).message).toMatch(/gpt-4o.*chat/s);

    const wrongKey = await openaiClient(server.url, 'sk-wrong')
      .chat.completions.create({ model: 'chat', messages })
      .catch((error: unknown) => error);
    expect(wrongKey).toBeInstanceOf(OpenAI.AuthenticationError);

    const noMessages = await openaiClient(server.url)
      .chat.completions.create({ model: 'chat', messages: [] })
      .catch((error: unknown) => error);
    expect(noMessages).toBeInstanceOf(OpenAI.BadRequestError);
    expect((noMessages as Error).message).toMatch(/messages/);

    expect(log.events('request').map((line) => line.status)).toEqual([404, 401, 400]);
    expect(log.raw.join('\n')).not.toContain('sk-wrong');
    expect(sim.counters()).toEqual([]);
  });

  it('warns at startup when no API key is configured, and then accepts any client', async () => {
    const sim = await test.simulator();
    const { server, log } = await test.server(sim, { apiKeys: [] });
    expect(log.events('start')[0]).toMatchObject({ url: server.url, chains: ['chat'], apiKeyCount: 0 });
    expect(log.events('no-api-keys')[0]).toMatchObject({ level: 40 });
    const models = await openaiClient(server.url, 'anything').models.list();
    expect(models.data.map((model) => model.id)).toEqual(['chat']);
  });
});
