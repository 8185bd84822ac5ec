import { createBedrockHA } from '@bedrock-ha/core';
import { startSimulator } from '@bedrock-ha/simulator';
import { afterEach, expect, it } from 'vitest';
import { EndpointStats } from './endpoint-stats.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

it('counts attempts per endpoint over a sliding window, with no timer, and forgets old seconds', async () => {
  const sim = await startSimulator();
  cleanup.push(() => sim.close());
  const ha = createBedrockHA(
    {
      client: { endpoint: sim.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
      chains: {
        haiku: {
          endpoints: [
            { id: 'haiku-west', region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
          ],
        },
      },
    },
    { telemetry: false },
  );
  cleanup.push(() => ha.destroy());
  let now = 1_000_000_000;
  const stats = new EndpointStats(ha, 60, () => now);
  cleanup.push(() => stats.dispose());
  const ask = () => ha.converse('haiku', { messages: [{ role: 'user', content: [{ text: 'hi' }] }] });

  await ask();
  sim.faults.add({ match: {}, when: { times: 1 }, fault: { type: 'error', error: 'ValidationException' } });
  await ask().catch(() => {});
  expect(stats.of('haiku-west')).toEqual({
    windowSeconds: 60,
    attempts: 2,
    failures: 1,
    skipped: 0,
    errorRate: 0.5,
    reasons: { 'invalid-request': 1 },
  });

  now += 30_000;
  await ask();
  expect(stats.of('haiku-west')).toMatchObject({ attempts: 3, failures: 1 });
  // 61 s after the first two, only the third is left in the window.
  now += 31_000;
  expect(stats.of('haiku-west')).toMatchObject({ attempts: 1, failures: 0, errorRate: 0, reasons: {} });
  now += 60_000;
  expect(stats.of('haiku-west')).toMatchObject({ attempts: 0, errorRate: 0 });
  expect(stats.of('no-such-endpoint').attempts).toBe(0);
});
