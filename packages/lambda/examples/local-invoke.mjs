// Invokes the Lambda handlers locally against the simulator, the way Lambda would: a Function URL
// event, then a direct (Step Functions style) invocation, while the PT throttles.
// Run: pnpm build && node packages/lambda/examples/local-invoke.mjs
import { createHandler } from '@bedrock-ha/lambda';
import { startSimulator } from '@bedrock-ha/simulator';

const PT = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/example00001';
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
sim.faults.add({ match: { model: PT }, fault: { type: 'error', error: 'ThrottlingException' } });

// In a deployed function this is `export const handler = createHandler();` at module scope, with
// the configuration in BEDROCK_HA_CONFIG (a bundled file) or BEDROCK_HA_CONFIG_JSON.
const handler = createHandler({
  config: {
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
  logger: false,
});
const context = { awsRequestId: 'example-request', getRemainingTimeInMillis: () => 30_000 };
const question = 'what is the largest city in the world? only give the answer with no details';

const http = await handler(
  {
    version: '2.0',
    rawPath: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' }, stage: '$default' },
    body: JSON.stringify({ model: 'claude-haiku', messages: [{ role: 'user', content: question }] }),
  },
  context,
);
console.log(
  `HTTP ${http.statusCode} from ${http.headers['x-bedrock-ha-endpoint']}: ${JSON.parse(http.body).choices[0].message.content}`,
);

const direct = await handler(
  { chain: 'claude-haiku', input: { messages: [{ role: 'user', content: [{ text: question }] }] } },
  context,
);
console.log(
  `direct from ${direct.servedBy.endpointId} after ${direct.attempts.length} attempts: ${direct.output.message.content[0].text}`,
);

handler.engine.destroy();
await sim.close();
