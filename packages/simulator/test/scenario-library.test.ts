import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConverseCommand, ConverseStreamCommand, ThrottlingException } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/index.js';
import { drain, HAIKU, rejection, runtimeClient, simulators, TOKYO_PROMPT, userMessage } from './sdk.js';

const startSimulator = simulators();
const directory = fileURLToPath(new URL('../scenarios/', import.meta.url));
const scenario = async (name: string) => startSimulator(await loadScenario(`${directory}${name}.yaml`));
const converse = (region: string, modelId: string, sim: { url: string }) =>
  runtimeClient(sim, region).send(new ConverseCommand({ modelId, messages: userMessage(TOKYO_PROMPT) }));

describe('the shipped scenario files', () => {
  it.each(readdirSync(directory).filter((file) => file.endsWith('.yaml')))('%s is valid', async (file) => {
    await expect(loadScenario(`${directory}${file}`)).resolves.toBeTypeOf('object');
  });

  it('seed-walkthrough: the PT answers, then throttles under a burst; us-west-2 on-demand answers', async () => {
    const sim = await scenario('seed-walkthrough');
    const pt = sim.provisionedThroughputs()[0]!.arn;
    const burst = await Promise.allSettled(Array.from({ length: 8 }, () => converse('us-east-1', pt, sim)));
    expect(burst.filter((result) => result.status === 'fulfilled').length).toBeGreaterThan(0);
    expect(
      burst.some((result) => result.status === 'rejected' && result.reason instanceof ThrottlingException),
    ).toBe(true);
    const fallback = await converse('us-west-2', HAIKU, sim);
    expect(fallback.output?.message?.content?.[0]?.text).toBe('Tokyo');
  });

  it('pt-throttling-storm: the PT throttles every request; on-demand is untouched', async () => {
    const sim = await scenario('pt-throttling-storm');
    const pt = sim.provisionedThroughputs()[0]!.arn;
    expect(await rejection(converse('us-east-1', pt, sim))).toBeInstanceOf(ThrottlingException);
    await expect(converse('us-east-1', HAIKU, sim)).resolves.toBeDefined();
  });

  it('region-outage: us-east-1 drops connections; us-west-2 answers', async () => {
    const sim = await scenario('region-outage');
    expect((await rejection(converse('us-east-1', HAIKU, sim))).$metadata?.httpStatusCode).toBeUndefined();
    await expect(converse('us-west-2', HAIKU, sim)).resolves.toBeDefined();
  });

  it('brown-out: some us-east-1 requests fail with 503, none of us-west-2', async () => {
    const sim = await scenario('brown-out');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => converse('us-east-1', HAIKU, sim)),
    );
    const failed = results.filter((result) => result.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(20);
    for (const result of failed)
      expect((result as PromiseRejectedResult).reason.name).toBe('ServiceUnavailableException');
    await expect(converse('us-west-2', HAIKU, sim)).resolves.toBeDefined();
  });

  it('slow-primary: the PT takes at least 2 s', async () => {
    const sim = await scenario('slow-primary');
    const pt = sim.provisionedThroughputs()[0]!.arn;
    const client = runtimeClient(sim, 'us-east-1');
    const started = performance.now();
    const thrown = await rejection(
      client.send(new ConverseCommand({ modelId: pt, messages: userMessage('hi') }), {
        abortSignal: AbortSignal.timeout(200),
      }),
    );
    expect(thrown.name).toBe('AbortError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(sim.faults.list()[0]).toMatchObject({ id: 'slow-pt', applied: 1 });
  });

  it('mid-stream-cut: a us-east-1 stream breaks after 5 events', async () => {
    const sim = await scenario('mid-stream-cut');
    const output = await runtimeClient(sim, 'us-east-1').send(
      new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage('explain failover') }),
    );
    const { events, error } = await drain(output.stream);
    expect(events).toHaveLength(5);
    expect(error).toBeInstanceOf(Error);
  });
});
