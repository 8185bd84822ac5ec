import { request } from 'node:http';
import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { API_KEY, bedrockClient, harness, TOKYO } from './harness.js';

const test = harness();
const body = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 100,
  messages: [{ role: 'user', content: TOKYO }],
});

/** A plain HTTP/1.1 POST, the way botocore sends it; header names come back in lower case, as in boto3's HTTPHeaders. */
function post(url: string, path: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const outgoing = request(
        `${url}${path}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': API_KEY },
        },
        (response) => {
          const parts: Buffer[] = [];
          response.on('data', (part: Buffer) => parts.push(part));
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              headers: response.headers,
              body: Buffer.concat(parts).toString(),
            }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    },
  );
}

describe("the server's InvokeModel headers", () => {
  it('carries the token counts and invocation latency a boto3 caller reads from ResponseMetadata.HTTPHeaders', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim);
    const response = await post(server.url, `/model/chat/invoke`);
    expect(response.status).toBe(200);
    const answer = JSON.parse(response.body);
    expect(response.headers['x-amzn-bedrock-input-token-count']).toBe(String(answer.usage.input_tokens));
    expect(response.headers['x-amzn-bedrock-output-token-count']).toBe(String(answer.usage.output_tokens));
    expect(response.headers['x-amzn-bedrock-invocation-latency']).toMatch(/^\d+$/);
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['content-type']).toBe('application/json');
  });

  it('gives them to the AWS SDK over HTTP/2 too', async () => {
    const sim = await test.simulator();
    const { server } = await test.server(sim);
    const client = bedrockClient(server.url);
    test.defer(() => client.destroy());
    await client.send(new InvokeModelCommand({ modelId: 'chat', body, contentType: 'application/json' }));
    expect(client.seen.lastHeaders['x-amzn-bedrock-output-token-count']).toMatch(/^\d+$/);
    expect(client.seen.lastHeaders['x-amzn-bedrock-invocation-latency']).toMatch(/^\d+$/);
  });
});
