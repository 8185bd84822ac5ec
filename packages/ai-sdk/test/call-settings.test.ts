import { type ClientFactory, defaultClientFactory } from '@bedrock-ha/core';
import { generateText, jsonSchema, Output } from 'ai';
import { describe, expect, it } from 'vitest';
import { harness, TOKYO } from './harness.js';

const { provider } = harness();

describe('call settings', () => {
  it('asks for structured output with the schema, and the answer parses against it', async () => {
    const { bedrockHA } = await provider({
      chains: {
        structured: {
          endpoints: [
            { id: 'haiku-4-5', region: 'us-east-1', modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' },
          ],
        },
      },
    });
    const result = await generateText({
      model: bedrockHA('structured'),
      prompt: 'Name a city',
      output: Output.object({
        schema: jsonSchema<{ city: string; population: number }>({
          type: 'object',
          properties: { city: { type: 'string', minLength: 2 }, population: { type: 'integer', minimum: 1 } },
          required: ['city', 'population'],
          additionalProperties: false,
        }),
      }),
    });
    expect(result.output).toEqual({ city: expect.any(String), population: expect.any(Number) });
    expect(result.warnings).toEqual([]);
  });

  it('sends the call headers on every attempt, leaving user-agent to the AWS SDK', async () => {
    const sent: SentRequest[] = [];
    const { bedrockHA, sim } = await provider({}, { clientFactory: recordingClients(sent) });
    sim.faults.add({
      match: { region: 'us-east-1' },
      when: { times: 1 },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    await generateText({ model: bedrockHA('chat'), prompt: TOKYO, headers: { 'x-tenant': 'acme' } });
    expect(sent).toHaveLength(2); // the throttled PT, then the backup
    for (const { headers } of sent) {
      expect(headers['x-tenant']).toBe('acme');
      expect(headers['user-agent']).not.toMatch(/^ai\//);
      expect(headers.authorization).toMatch(/SignedHeaders=[^,]*x-tenant/);
    }
  });

  it('appends a cache point to a message that asks for one', async () => {
    const sent: SentRequest[] = [];
    const { bedrockHA } = await provider({}, { clientFactory: recordingClients(sent) });
    const result = await generateText({
      model: bedrockHA('chat'),
      system: 'You answer geography questions.',
      messages: [{ role: 'user', content: TOKYO, providerOptions: { bedrockHa: { cachePoint: {} } } }],
    });
    expect(result.text).toBe('Tokyo');
    expect(JSON.parse(sent[0]?.body ?? '{}')).toMatchObject({
      system: [{ text: 'You answer geography questions.' }],
      messages: [{ role: 'user', content: [{ text: TOKYO }, { cachePoint: { type: 'default' } }] }],
    });
  });
});

interface SentRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The real SDK clients, with a last-step middleware that records each request as it goes on the wire. */
function recordingClients(sent: SentRequest[]): ClientFactory {
  return (spec) => {
    const client = defaultClientFactory(spec);
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string>; body: unknown };
        const { body } = request;
        const text = typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array);
        sent.push({ headers: { ...request.headers }, body: text });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'recordRequests' },
    );
    return client;
  };
}
