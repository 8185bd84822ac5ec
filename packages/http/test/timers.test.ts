import { createBedrockHA } from '@bedrock-ha/core';
import { startSimulator } from '@bedrock-ha/simulator';
import { watchTimers } from '@bedrock-ha/test-kit';
import { expect, it } from 'vitest';
import { createGateway } from '../src/index.js';
import { API_KEY, CONFIG, CREDENTIALS, chunks, post, SIMULATOR, TOKYO_PROMPT } from './harness.js';

it('leaves no timer running after streams, stopped streams, errors and close', async () => {
  const timers = watchTimers();
  const sim = await startSimulator({
    ...SIMULATOR,
    models: { '*': { tokensPerSecond: 50, outputTokens: 30 } },
  });
  const ha = createBedrockHA(
    { ...CONFIG, client: { endpoint: sim.url, credentials: { ...CREDENTIALS } } },
    { telemetry: false },
  );
  const gateway = createGateway(ha, { apiKeys: [API_KEY] });
  const ask = (content: string, stream: boolean) =>
    gateway.handle(
      post('/v1/chat/completions', { model: 'claude', stream, messages: [{ role: 'user', content }] }),
    );

  expect((await ask(TOKYO_PROMPT, false)).status).toBe(200);
  await chunks(await ask(TOKYO_PROMPT, true));
  const stopped = (await ask('Tell me about failover.', true)).body as AsyncIterable<Uint8Array>;
  const iterator = stopped[Symbol.asyncIterator]();
  await iterator.next();
  await iterator.return?.();
  sim.faults.add({ match: {}, fault: { type: 'error', error: 'ThrottlingException' } });
  expect((await ask(TOKYO_PROMPT, false)).status).toBe(429);

  gateway.close();
  ha.destroy();
  await sim.close();
  expect(await timers.left(), 'timers left running after the gateway closed').toEqual([]);
});
