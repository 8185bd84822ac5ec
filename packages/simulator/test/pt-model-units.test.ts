import { fileURLToPath } from 'node:url';
import { CreateProvisionedModelThroughputCommand } from '@aws-sdk/client-bedrock';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { loadScenario, PT_TOKENS_PER_MINUTE_PER_UNIT } from '../src/index.js';
import { controlPlaneClient } from './control-plane-client.js';
import { HAIKU, NOVA, runtimeClient, simulators, TOKYO_PROMPT, userMessage } from './sdk.js';

const startSimulator = simulators();
const scenario = fileURLToPath(new URL('../scenarios/pt-model-units.yaml', import.meta.url));

describe('Provisioned Throughput capacity by model units', () => {
  it('gives a PT model units x its model tokens per unit, with per-model overrides (pt-model-units)', async () => {
    const sim = await startSimulator(await loadScenario(scenario));
    const byName = Object.fromEntries(sim.provisionedThroughputs().map((pt) => [pt.name, pt]));
    expect(byName['haiku-2mu']!.tokensPerMinute).toBe(2 * PT_TOKENS_PER_MINUTE_PER_UNIT[HAIKU]!);
    expect(byName['nova-1mu']!.tokensPerMinute).toBe(30_000);
  });

  it('meters a PT invoked through the SDK against that rate', async () => {
    const sim = await startSimulator(await loadScenario(scenario));
    const pt = sim.provisionedThroughputs().find((each) => each.name === 'haiku-2mu')!;
    const answer = await runtimeClient(sim, 'us-east-1').send(
      new ConverseCommand({ modelId: pt.arn, messages: userMessage(TOKYO_PROMPT) }),
    );
    const used = answer.usage!.totalTokens!;
    const left = sim.capacity()[`provisioned:${pt.arn}`]!.tokens!;
    // The bucket holds a minute of 40,000 tokens; it refills while the test runs, never above full.
    expect(left).toBeGreaterThanOrEqual(40_000 - used);
    expect(left).toBeLessThanOrEqual(40_000);
  });

  it('sizes a PT created through CreateProvisionedModelThroughput by its model units and model', async () => {
    const sim = await startSimulator({ provisioning: { delayMs: 0 } });
    const { provisionedModelArn } = await controlPlaneClient(sim, 'us-east-1').send(
      new CreateProvisionedModelThroughputCommand({
        modelUnits: 3,
        provisionedModelName: 'nova-3mu',
        modelId: `${NOVA}:128k`,
      }),
    );
    const created = sim.provisionedThroughputs().find((pt) => pt.arn === provisionedModelArn);
    expect(created).toMatchObject({
      modelUnits: 3,
      tokensPerMinute: 3 * PT_TOKENS_PER_MINUTE_PER_UNIT[NOVA]!,
    });
  });

  it('applies one figure to every model when tokensPerMinutePerModelUnit is a number', async () => {
    const sim = await startSimulator({
      provisioning: { tokensPerMinutePerModelUnit: 1_000 },
      provisionedThroughputs: [{ name: 'nova', region: 'us-east-1', modelId: NOVA, modelUnits: 4 }],
    });
    expect(sim.provisionedThroughputs()[0]!.tokensPerMinute).toBe(4_000);
  });
});
