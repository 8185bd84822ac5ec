// The README's example: `pnpm turbo run build --filter=@bedrock-ha/express... && node packages/express/examples/gateway.mjs`
import { once } from 'node:events';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { createBedrockHA } from '@bedrock-ha/core';
import { bedrockHARouter } from '@bedrock-ha/express';
import { startSimulator } from '@bedrock-ha/simulator';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import express from 'express';
import OpenAI from 'openai';

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
const ha = createBedrockHA({
  // Against AWS, leave `client` out: the SDK's default credentials and endpoints apply.
  client: { endpoint: sim.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' } },
  chains: {
    'claude-haiku': {
      endpoints: [
        { id: 'pt-east', modelId: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/example00001' },
        { id: 'haiku-west', region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
      ],
    },
  },
});

ha.onFailover(({ from, to, reason }) =>
  console.log(`failover: ${from.endpointId} -> ${to?.endpointId} (${reason})`),
);

const app = express();
app.use('/ai', bedrockHARouter(ha, { apiKeys: ['my-key'] }));
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const gateway = `http://127.0.0.1:${server.address().port}/ai`;
const question = 'What is the largest city in the world?';

// Any OpenAI client: the model is a chain's name.
const openai = new OpenAI({ baseURL: `${gateway}/v1`, apiKey: 'my-key' });
const { data, response } = await openai.chat.completions
  .create({ model: 'claude-haiku', messages: [{ role: 'user', content: question }] })
  .withResponse();
console.log(
  `openai: ${data.choices[0].message.content} from ${response.headers.get('x-bedrock-ha-endpoint')}`,
);

// The AWS SDK, pointed at the gateway: HTTP/1.1, and one middleware to send the API key.
const bedrock = new BedrockRuntimeClient({
  region: 'us-east-1',
  endpoint: gateway,
  credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, // the gateway checks the API key
  requestHandler: new NodeHttpHandler(),
});
bedrock.middlewareStack.add(
  (next) => (args) => {
    args.request.headers['x-api-key'] = 'my-key';
    return next(args);
  },
  { step: 'build' },
);
sim.faults.add({
  match: { region: 'us-east-1' },
  when: { times: 1 },
  fault: { type: 'error', error: 'ThrottlingException' },
});
const { output } = await bedrock.send(
  new ConverseCommand({
    modelId: 'claude-haiku',
    messages: [{ role: 'user', content: [{ text: question }] }],
  }),
);
console.log(`bedrock: ${output.message.content[0].text}`);

bedrock.destroy();
server.close();
ha.destroy();
await sim.close();
