import { createBedrockHAProvider } from '@bedrock-ha/ai-sdk';
import { type BedrockHAConfig, type BedrockHAOptions, createBedrockHA } from '@bedrock-ha/core';
import type { Simulator } from '@bedrock-ha/simulator';
import { CHAT_CHAINS, simulatorClient, testResources } from '@bedrock-ha/test-kit';

export { eventually, HAIKU, outcomesIn, PRIMARY_PT, TOKYO } from '@bedrock-ha/test-kit';

// Tests assert the warnings they expect; the AI SDK's console copies would only be noise.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

/** The chain `chat`: the simulator's PT in us-east-1 first, then on-demand Haiku in us-west-2. */
export const CHAINS: BedrockHAConfig['chains'] = CHAT_CHAINS;

/** Starts a simulator and a provider over an engine on it for each test, closed after it. */
export function harness() {
  const resources = testResources();
  return {
    ...resources,
    async provider(config: Partial<BedrockHAConfig> = {}, options: BedrockHAOptions = {}) {
      const sim: Simulator = await resources.simulator();
      const engine = createBedrockHA(
        { chains: CHAINS, ...config, client: simulatorClient(sim) },
        { telemetry: false, ...options },
      );
      resources.defer(() => engine.destroy());
      return { sim, engine, bedrockHA: createBedrockHAProvider({ engine }) };
    },
  };
}
