import { InvokeModelCommand, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { type ClientFactory, defaultClientFactory } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import { gatewayHarness, json, post, sdkClient } from './harness.js';

const start = gatewayHarness();
const anthropicBody = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 50,
  messages: [{ role: 'user', content: 'hi' }],
});

/** The engine's clients, recording the request-metadata header each upstream call carries. */
function recordingMetadata(seen: (string | undefined)[]): ClientFactory {
  return (spec) => {
    const client = defaultClientFactory(spec);
    client.middlewareStack.add(
      (next) => (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        seen.push(headers['x-amzn-bedrock-request-metadata']);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordRequestMetadata' },
    );
    return client;
  };
}

describe('Bedrock route input from the path and headers', () => {
  it('a path segment that is not valid URL encoding is a 400 ValidationException saying how to encode it', async () => {
    const { gateway, sim, logs } = await start();
    const response = await gateway.handle(
      post('/model/claude%E0%A4%A/converse', { messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    );
    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(json(response).message).toBe(
      'The path segment "claude%E0%A4%A" is not valid URL encoding; encode the chain name with encodeURIComponent.',
    );
    expect(sim.requests()).toEqual([]);
    expect(logs).toEqual([
      expect.objectContaining({ route: 'POST /model/{chain}/converse', status: 400, outcome: 'failed' }),
    ]);
  });

  it('an X-Amzn-Bedrock-Request-Metadata header that is not a JSON object of strings is a 400', async () => {
    const { gateway, sim } = await start();
    for (const header of ['team=search', '["search"]', '{"team":1}']) {
      const response = await gateway.handle(
        post('/model/claude/invoke', anthropicBody, { 'x-amzn-bedrock-request-metadata': header }),
      );
      expect(response.status).toBe(400);
      expect(response.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(json(response).message).toMatch(/must be a JSON object of strings, e\.g\. \{"team":"search"\}/);
    }
    expect(sim.requests()).toEqual([]);
  });

  it('the AWS SDK request metadata reaches Bedrock as the JSON text it sent', async () => {
    const seen: (string | undefined)[] = [];
    const { gateway } = await start({ clientFactory: recordingMetadata(seen) });
    const output = await sdkClient(gateway).send(
      new InvokeModelCommand({
        modelId: 'claude',
        contentType: 'application/json',
        body: anthropicBody,
        requestMetadata: JSON.stringify({ team: 'search' }),
      }),
    );
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(seen).toEqual(['{"team":"search"}']);
    const rejected = await sdkClient(gateway)
      .send(
        new InvokeModelCommand({
          modelId: 'claude',
          contentType: 'application/json',
          body: anthropicBody,
          requestMetadata: 'team=search',
        }),
      )
      .catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(ValidationException);
  });
});
