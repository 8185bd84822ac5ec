import { type Simulator, type SimulatorOptions, startSimulator } from '@bedrock-ha/simulator';

/** The PT the seed simulator starts with. */
export const PT_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/seedpt000001';

/**
 * A simulator with the AWS sample's setup: a PT for Claude 3 Haiku in us-east-1 (Haiku on demand
 * is served in every region). Capacity is left at its generous default, so that only the faults a
 * test injects make requests fail.
 */
export async function startSeedSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({
    ...options,
    provisionedThroughputs: [
      {
        name: 'ha-test-model',
        region: 'us-east-1',
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0:48k',
        id: 'seedpt000001',
      },
      ...(options.provisionedThroughputs ?? []),
    ],
  });
}

/** A URL nothing listens on: a simulator started and closed again. */
export async function closedUrl(): Promise<string> {
  const simulator = await startSimulator();
  const { url } = simulator;
  await simulator.close();
  return url;
}
