// The AWS sample's setup as a bedrock-ha chain, run against the local Bedrock simulator:
// a Provisioned Throughput in us-east-1 that throttles, on-demand Claude 3 Haiku in us-west-2.
// Run it with `node packages/core/examples/quickstart.mjs` after `pnpm build`.
import { createBedrockHA } from '@bedrock-ha/core';
import { startSimulator } from '@bedrock-ha/simulator';

const PT = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/quickstart01';
const sim = await startSimulator({
  provisionedThroughputs: [
    {
      name: 'haiku-pt',
      region: 'us-east-1',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0:48k',
      id: 'quickstart01',
    },
  ],
});

const ha = createBedrockHA({
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
});
ha.onFailover(({ from, to, reason }) =>
  console.log(`failover: ${from.endpointId} -> ${to?.endpointId} (${reason})`),
);

const messages = [{ role: 'user', content: [{ text: 'What is the largest city in the world?' }] }];
const ask = async () => {
  const { output, servedBy } = await ha.converse('claude-haiku', { messages });
  console.log(`${servedBy.endpointId} (${servedBy.region}): ${output.message.content[0].text}`);
};

await ask(); // served by the PT
sim.faults.add({
  match: { model: PT },
  when: { times: 1 },
  fault: { type: 'error', error: 'ThrottlingException' },
});
await ask(); // the PT throttles: served on-demand in us-west-2
await ask(); // back on the PT

const { stream, servedBy } = await ha.converseStream('claude-haiku', { messages });
process.stdout.write(`${servedBy.endpointId} streams: `);
for await (const event of stream) process.stdout.write(event.contentBlockDelta?.delta?.text ?? '');
console.log();

ha.destroy();
await sim.close();
