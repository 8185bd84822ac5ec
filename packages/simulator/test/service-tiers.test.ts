import { fileURLToPath } from 'node:url';
import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type ServiceTierType,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { loadScenario, type Simulator } from '../src/index.js';
import {
  anthropicBody,
  drain,
  HAIKU,
  NOVA,
  novaBody,
  rejection,
  runtimeClient,
  simulators,
  TOKYO_PROMPT,
  userMessage,
} from './sdk.js';

const startSimulator = simulators();
const scenario = fileURLToPath(new URL('../scenarios/service-tiers.yaml', import.meta.url));

async function start(): Promise<Simulator> {
  return startSimulator(await loadScenario(scenario));
}

function converse(sim: Simulator, tier: string | undefined, modelId = HAIKU, region = 'us-east-1') {
  return runtimeClient(sim, region).send(
    new ConverseCommand({
      modelId,
      messages: userMessage(TOKYO_PROMPT),
      ...(tier !== undefined && { serviceTier: { type: tier as ServiceTierType } }),
    }),
  );
}

/** The metadata event of a ConverseStream at a tier. */
async function streamMetadata(sim: Simulator, tier: ServiceTierType) {
  const output = await runtimeClient(sim, 'us-west-2').send(
    new ConverseStreamCommand({
      modelId: HAIKU,
      messages: userMessage('explain failover'),
      serviceTier: { type: tier },
    }),
  );
  const { events } = await drain(output.stream);
  return events.at(-1)!.metadata!;
}

describe('service tiers (service-tiers)', () => {
  it('echoes the tier that served in the Converse response, and not when none was asked for', async () => {
    const sim = await start();
    expect((await converse(sim, 'priority', HAIKU, 'us-west-2')).serviceTier).toEqual({ type: 'priority' });
    expect((await converse(sim, 'flex', HAIKU, 'us-west-2')).serviceTier).toEqual({ type: 'flex' });
    expect((await converse(sim, undefined, HAIKU, 'us-west-2')).serviceTier).toBeUndefined();
    expect(sim.requests().map((record) => record.serviceTier)).toEqual(['priority', 'flex', undefined]);
  });

  it('echoes the tier in the ConverseStream metadata, paced faster for priority and slower for flex', async () => {
    const sim = await start();
    const [priority, standard, flex] = [
      await streamMetadata(sim, 'priority'),
      await streamMetadata(sim, 'default'),
      await streamMetadata(sim, 'flex'),
    ];
    expect([priority.serviceTier, standard.serviceTier, flex.serviceTier]).toEqual([
      { type: 'priority' },
      { type: 'default' },
      { type: 'flex' },
    ]);
    // 24 tokens at 200 tokens/s after 100 ms: default 220 ms; priority 0.75 x 100 + 24 / 250 s;
    // flex (the scenario's firstTokenFactor 3) 300 + 24 / 100 s. Metrics report the simulated pace.
    expect([priority.metrics?.latencyMs, standard.metrics?.latencyMs, flex.metrics?.latencyMs]).toEqual([
      171, 220, 540,
    ]);
  });

  it('takes the tier from the InvokeModel header and echoes it in the response header', async () => {
    const sim = await start();
    const client = runtimeClient(sim, 'us-west-2');
    const answer = await client.send(
      new InvokeModelCommand({ modelId: HAIKU, body: anthropicBody(TOKYO_PROMPT), serviceTier: 'flex' }),
    );
    expect(answer.serviceTier).toBe('flex');
    const stream = await client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: HAIKU,
        body: anthropicBody(TOKYO_PROMPT),
        serviceTier: 'priority',
      }),
    );
    expect(stream.serviceTier).toBe('priority');
    await drain(stream.body);
  });

  it('refuses a tier the model does not offer with a ValidationException, by body and by header', async () => {
    const sim = await start();
    const error = await rejection(converse(sim, 'flex', NOVA));
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      `The service tier flex is not supported for ${NOVA} in us-east-1. Retry without serviceTier or with a supported tier.`,
    );
    const byHeader = await rejection(
      runtimeClient(sim, 'us-east-1').send(
        new InvokeModelCommand({ modelId: NOVA, body: novaBody('hi'), serviceTier: 'priority' }),
      ),
    );
    expect(byHeader).toBeInstanceOf(ValidationException);
    await expect(converse(sim, 'default', NOVA)).resolves.toBeDefined();
  });

  it('refuses an unknown tier, the reserved tier without a reservation, and any but default on a PT', async () => {
    const sim = await startSimulator({
      ...(await loadScenario(scenario)),
      provisionedThroughputs: [{ name: 'pt', region: 'us-east-1', modelId: HAIKU, id: 'tierpt000001' }],
    });
    expect((await rejection(converse(sim, 'cheapest'))).message).toBe('service tier provided is invalid');
    expect((await rejection(converse(sim, 'reserved', HAIKU, 'us-west-2'))).message).toBe(
      'Reservation not found.',
    );
    const pt = sim.provisionedThroughputs()[0]!.arn;
    expect(await rejection(converse(sim, 'priority', pt))).toBeInstanceOf(ValidationException);
    expect((await converse(sim, 'default', pt)).serviceTier).toEqual({ type: 'default' });
  });

  it('shares one on-demand quota among priority, default and flex; reserved has its own and spills at default', async () => {
    const sim = await start();
    // The reservation holds one request a minute; the shared quota three.
    expect((await converse(sim, 'reserved')).serviceTier).toEqual({ type: 'reserved' });
    expect((await converse(sim, 'reserved')).serviceTier).toEqual({ type: 'default' });
    await converse(sim, 'priority');
    await converse(sim, 'flex');
    for (const tier of ['default', 'priority', 'flex', 'reserved']) {
      const error = await rejection(converse(sim, tier));
      expect(error).toBeInstanceOf(ThrottlingException);
      expect(error.message).toBe('Too many requests, please wait before trying again.');
    }
    expect(Object.keys(sim.capacity()).sort()).toEqual([
      `on-demand:us-east-1:${HAIKU}`,
      `reserved:us-east-1:${HAIKU}`,
    ]);
  });
});
