import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, gatewayHarness, HAIKU, sdkClient, TOKYO_PROMPT } from './harness.js';

const start = gatewayHarness();
const messages = [{ role: 'user' as const, content: [{ text: TOKYO_PROMPT }] }];
const invokeBody = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 100,
  messages: [{ role: 'user', content: TOKYO_PROMPT }],
});
// One endpoint, so the gateway's upstream is exactly the call made directly below.
const CONFIG = { chains: { haiku: { endpoints: [{ region: 'us-west-2', modelId: HAIKU }] } } };

/** Each response's raw headers, as the SDK's transport received them (boto3's HTTPHeaders). */
function recordHeaders(client: BedrockRuntimeClient) {
  const seen: Record<string, string>[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      seen.push((result.response as { headers: Record<string, string> }).headers);
      return result;
    },
    { step: 'deserialize' },
  );
  return seen;
}

function bedrockHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase().startsWith('x-amzn-bedrock-')),
  );
}

const operations = [
  ['Converse', (modelId: string) => new ConverseCommand({ modelId, messages })],
  ['ConverseStream', (modelId: string) => new ConverseStreamCommand({ modelId, messages })],
  [
    'InvokeModel',
    (modelId: string) =>
      new InvokeModelCommand({ modelId, body: invokeBody, contentType: 'application/json' }),
  ],
  [
    'InvokeModelWithResponseStream',
    (modelId: string) =>
      new InvokeModelWithResponseStreamCommand({
        modelId,
        body: invokeBody,
        contentType: 'application/json',
      }),
  ],
] as const;

describe("the Bedrock-native routes' response headers", () => {
  it.each(operations)(
    '%s through the gateway sends the x-amzn-bedrock-* headers Bedrock sends',
    async (_name, command) => {
      const { gateway, sim } = await start({ config: CONFIG });
      const direct = new BedrockRuntimeClient({
        region: 'us-west-2',
        endpoint: sim.url,
        credentials: { ...CREDENTIALS },
      });
      const directSeen = recordHeaders(direct);
      const viaGateway = sdkClient(gateway);
      const gatewaySeen = recordHeaders(viaGateway);
      // Drains a stream so each call is whole; the answers are the same (the simulator is deterministic).
      const drain = async (output: object) => {
        const stream = (output as { stream?: AsyncIterable<unknown>; body?: unknown }).stream;
        const body = (output as { body?: unknown }).body;
        const events =
          stream ?? (body && typeof body === 'object' && Symbol.asyncIterator in body ? body : []);
        for await (const _event of events as AsyncIterable<unknown>);
      };
      await drain(await direct.send(command(HAIKU) as never));
      await drain(await viaGateway.send(command('haiku') as never));
      direct.destroy();

      const upstream = bedrockHeaders(directSeen[0]!);
      const passed = bedrockHeaders(gatewaySeen[0]!);
      expect(Object.keys(passed).sort()).toEqual(Object.keys(upstream).sort());
      for (const name of ['x-amzn-bedrock-input-token-count', 'x-amzn-bedrock-output-token-count']) {
        expect(passed[name]).toBe(upstream[name]);
      }
      expect(gatewaySeen[0]!['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('InvokeModel passes on the token counts and invocation latency Bedrock sends', async () => {
    const { gateway } = await start({ config: CONFIG });
    const client = sdkClient(gateway);
    const seen = recordHeaders(client);
    const output = await client.send(
      new InvokeModelCommand({ modelId: 'haiku', body: invokeBody, contentType: 'application/json' }),
    );
    const answer = JSON.parse(output.body.transformToString());
    const headers = seen[0]!;
    expect(headers['x-amzn-bedrock-input-token-count']).toBe(String(answer.usage.input_tokens));
    expect(headers['x-amzn-bedrock-output-token-count']).toBe(String(answer.usage.output_tokens));
    expect(headers['x-amzn-bedrock-invocation-latency']).toMatch(/^\d+$/);
  });
});
