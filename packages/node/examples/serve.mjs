// The README's example: `pnpm turbo run build --filter=@bedrock-ha/node... && node packages/node/examples/serve.mjs`
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { startServer } from '@bedrock-ha/node';
import { startSimulator } from '@bedrock-ha/simulator';
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
const server = await startServer({
  config: {
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
  },
  port: 0,
  host: '127.0.0.1',
  apiKeys: ['my-key'],
  logLevel: 'silent', // JSON lines on stdout otherwise
  telemetry: false, // true starts the OpenTelemetry SDK from OTEL_* variables
  maxConnections: 1_000,
  maxInFlight: 1_000,
  headersTimeoutMs: 20_000,
  idleTimeoutMs: 65_000,
});
const question = 'What is the largest city in the world?';

// Any OpenAI client, over HTTP/1.1: the model is a chain's name.
const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'my-key' });
const { data, response } = await openai.chat.completions
  .create({ model: 'claude-haiku', messages: [{ role: 'user', content: question }] })
  .withResponse();
console.log(
  `openai: ${data.choices[0].message.content} from ${response.headers.get('x-bedrock-ha-endpoint')}`,
);

// The AWS SDK as it comes (HTTP/2 on the same port), with one middleware to send the API key.
const bedrock = new BedrockRuntimeClient({
  region: 'us-east-1',
  endpoint: server.url,
  credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' }, // the gateway checks the API key
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

// A caller without the key gets its 401 from the headers alone: the body is never buffered.
const refused = await fetch(`${server.url}/v1/chat/completions`, {
  method: 'POST',
  body: 'x'.repeat(500_000),
});
console.log(`no key: ${refused.status}`);

bedrock.destroy();
await server.close(); // graceful: as on SIGTERM
await sim.close();
