import {
  AccessDeniedException,
  ConverseCommand,
  ConverseStreamCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { API_KEY, bedrockClient, harness, outcomesIn, TOKYO, userMessage } from './harness.js';

const test = harness();

describe('the server with the AWS SDK pointed at it', () => {
  // `default`: the client exactly as users create it (HTTP/2 with prior knowledge); `http1`: with
  // the NodeHttpHandler a plain Express app needs, which must keep working.
  it.each(['default', 'http1'] as const)(
    'serves Converse and ConverseStream through failover while the primary PT throttles, and logs it (%s client)',
    async (protocol) => {
      const sim = await test.simulator();
      const { server, log } = await test.server(sim);
      sim.faults.add({
        match: { region: 'us-east-1' },
        fault: { type: 'error', error: 'ThrottlingException' },
      });
      const client = bedrockClient(server.url, API_KEY, protocol);
      test.defer(() => client.destroy());

      const answer = await client.send(
        new ConverseCommand({ modelId: 'chat', messages: userMessage(TOKYO) }),
      );
      expect(answer.output?.message?.content?.[0]?.text).toBe('Tokyo');
      expect(client.seen.lastHeaders['x-bedrock-ha-endpoint']).toBe('backup');

      for (let index = 0; index < 5; index++) {
        const streamed = await client.send(
          new ConverseStreamCommand({ modelId: 'chat', messages: userMessage(TOKYO) }),
        );
        let text = '';
        for await (const event of streamed.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';
        expect(text).toBe('Tokyo');
        expect(client.seen.lastHeaders['x-bedrock-ha-endpoint']).toBe('backup');
      }

      expect(outcomesIn(sim, 'us-west-2').success).toBe(6);
      expect(log.events('failover')[0]).toMatchObject({
        chain: 'chat',
        from: 'primary',
        to: 'backup',
        reason: 'throttled',
      });
      // Five throttles in a row open the PT's breaker (the default), which the log reports.
      expect(log.events('breaker')[0]).toMatchObject({ endpointId: 'primary', state: 'open', level: 40 });
    },
  );

  it('gives the SDK its typed errors for an unknown chain and a wrong key', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim);
    const client = bedrockClient(server.url);
    const stranger = bedrockClient(server.url, 'not-the-key');
    test.defer(() => client.destroy());
    test.defer(() => stranger.destroy());

    const unknown = await client
      .send(new ConverseCommand({ modelId: 'no-such-chain', messages: userMessage(TOKYO) }))
      .catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(ValidationException);
    expect((unknown as Error).message).toMatch(/no-such-chain.*chat/s);

    const denied = await stranger
      .send(new ConverseCommand({ modelId: 'chat', messages: userMessage(TOKYO) }))
      .catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(AccessDeniedException);
    expect(sim.counters()).toEqual([]);
  });
});
