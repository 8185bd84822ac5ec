// The README's example: `pnpm turbo run build --filter=@bedrock-ha/ai-sdk... && node packages/ai-sdk/examples/quickstart.mjs`
import { createBedrockHAProvider } from '@bedrock-ha/ai-sdk';
import { startSimulator } from '@bedrock-ha/simulator';
import { generateText, streamText } from 'ai';

// A local Bedrock: a PT in us-east-1, on-demand Claude 3 Haiku everywhere.
const sim = await startSimulator({
  provisionedThroughputs: [
    {
      name: 'pt',
      region: 'us-east-1',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0:48k',
      id: 'example00001',
    },
  ],
});
const PT = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/example00001';

const bedrockHA = createBedrockHAProvider({
  config: {
    // Against AWS, leave `client` out: the SDK's default credentials and endpoints apply.
    client: { endpoint: sim.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' } },
    chains: {
      'claude-haiku': {
        endpoints: [
          { id: 'pt-east', modelId: PT },
          { id: 'haiku-west', region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
        ],
      },
    },
  },
});
const prompt = 'What is the largest city in the world?';

const first = await generateText({ model: bedrockHA('claude-haiku'), prompt });
console.log(`${first.text} from ${first.providerMetadata.bedrockHa.servedBy.endpointId}`);

// The PT throttles once: the chain fails over to us-west-2, in this process.
sim.faults.add({
  match: { model: PT },
  when: { times: 1 },
  fault: { type: 'error', error: 'ThrottlingException' },
});
const second = await generateText({ model: bedrockHA('claude-haiku'), prompt });
console.log(`${second.text} from ${second.providerMetadata.bedrockHa.servedBy.endpointId}`);

const stream = streamText({ model: bedrockHA('claude-haiku'), prompt });
for await (const delta of stream.textStream) process.stdout.write(delta);
console.log(` (streamed from ${(await stream.providerMetadata).bedrockHa.servedBy.endpointId})`);

bedrockHA.engine.destroy();
await sim.close();
