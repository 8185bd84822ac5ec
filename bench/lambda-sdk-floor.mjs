// The floor of the Lambda cold-start benchmark: the bare Bedrock runtime client, bundled by the
// same esbuild build as our handler (apps/lambda's bundleHandler, with this file as the entry) and
// built at init as our handler builds its engine: what any Lambda calling Bedrock pays. Its handler
// answers the benchmark's direct invocation with one Converse call to the simulator.
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';

const { client: settings, chains } = JSON.parse(process.env.BEDROCK_HA_CONFIG_JSON ?? '{}');
const [endpoint] = chains.haiku.endpoints;
const client = new BedrockRuntimeClient({
  region: endpoint.region,
  endpoint: settings.endpoint,
  credentials: settings.credentials,
  maxAttempts: 1,
});

export async function handler(event) {
  const output = await client.send(new ConverseCommand({ modelId: endpoint.modelId, ...event.input }));
  return { ...output, servedBy: 'sdk' };
}
