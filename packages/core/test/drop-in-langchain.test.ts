import { ThrottlingException } from '@aws-sdk/client-bedrock-runtime';
import { ChatBedrockConverse } from '@langchain/aws';
import { describe, expect, it, vi } from 'vitest';
import { recordingClientFactory } from './drop-in-wire.js';
import { HAIKU, haikuPt, harness, outcomesIn, ptArn, rejection, TOKYO_PROMPT } from './harness.js';

// LangChain's ChatBedrockConverse over ha.client: the library builds the SDK commands, adds its
// middleware and reads the outputs; the engine picks the endpoint. `model` names the chain.
const { simulator, engine } = harness({ checkTimers: true });
const PT = ptArn('us-east-1', 'langchainpt1');
const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

async function setup(options: { firstTokenMs?: number } = {}) {
  const sim = await simulator({
    provisionedThroughputs: [haikuPt('us-east-1', 'langchainpt1')],
    models: { '*': { firstTokenMs: options.firstTokenMs ?? 0 } },
  });
  const wire = recordingClientFactory();
  const ha = engine(
    sim,
    {
      chains: {
        haiku: {
          endpoints: [
            { id: 'pt', modelId: PT },
            { id: 'west', region: 'us-west-2', modelId: HAIKU, policy: { retry: { maxAttempts: 1 } } },
          ],
        },
      },
    },
    { clientFactory: wire.factory },
  );
  return { sim, ha, wire };
}

/** Requests the simulator is serving now. */
function inFlight(sim: { capacity(): Record<string, { inFlight: number }> }): number {
  return Object.values(sim.capacity()).reduce((sum, endpoint) => sum + endpoint.inFlight, 0);
}

/** The chat model as an app writes it, with the engine's client instead of its own. */
function chatModel(
  client: ChatBedrockConverse['client'],
  extra: Partial<ConstructorParameters<typeof ChatBedrockConverse>[0]> = {},
) {
  return new ChatBedrockConverse({
    client,
    model: 'haiku',
    // LangChain requires a region even with a client; it is only used for its own defaults.
    region: 'us-east-1',
    // Tool-choice support is looked up from the model name, which is a chain name here.
    supportsToolChoiceValues: ['auto', 'any', 'tool'],
    maxRetries: 0,
    ...extra,
  });
}

describe('LangChain ChatBedrockConverse over ha.client', () => {
  it('invokes through the chain, failing over when the PT throttles', async () => {
    const { sim, ha } = await setup();
    sim.faults.add({ match: { model: PT }, fault: { type: 'error', error: 'ThrottlingException' } });

    const answer = await chatModel(ha.client).invoke(TOKYO_PROMPT);

    expect(answer.content).toBe('Tokyo');
    expect(answer.usage_metadata).toMatchObject({ output_tokens: 1 });
    expect(outcomesIn(sim, 'us-east-1')).toEqual({ ThrottlingException: 1 });
    expect(outcomesIn(sim, 'us-west-2')).toEqual({ success: 1 });
  });

  it('streams through the chain', async () => {
    const { sim, ha } = await setup();

    let text = '';
    let chunks = 0;
    for await (const chunk of await chatModel(ha.client).stream(TOKYO_PROMPT)) {
      text += typeof chunk.content === 'string' ? chunk.content : '';
      chunks++;
    }

    expect(text).toBe('Tokyo');
    expect(chunks).toBeGreaterThan(1);
    expect(outcomesIn(sim, 'us-east-1')).toEqual({ success: 1 });
  });

  it('calls a tool bound with bindTools', async () => {
    const { ha } = await setup();

    const answer = await chatModel(ha.client)
      .bindTools([WEATHER_TOOL], { tool_choice: 'get_weather' })
      .invoke('What is the weather in Paris?');

    expect(answer.tool_calls?.map((call) => call.name)).toEqual(['get_weather']);
    expect(answer.response_metadata).toMatchObject({ stopReason: 'tool_use' });
  });

  it('sends defaultHeaders, signed, on every attempt', async () => {
    const { sim, ha, wire } = await setup();
    sim.faults.add({ match: { model: PT }, fault: { type: 'error', error: 'ThrottlingException' } });
    const model = chatModel(ha.client, { defaultHeaders: { 'x-tenant': 'acme' } });

    await model.invoke(TOKYO_PROMPT);
    await model.stream(TOKYO_PROMPT).then(async (stream) => {
      for await (const _ of stream);
    });

    expect(
      wire.wire.map(({ region, headers, signedHeaders }) => [
        region,
        headers['x-tenant'],
        signedHeaders.includes('x-tenant'),
      ]),
    ).toEqual([
      ['us-east-1', 'acme', true],
      ['us-west-2', 'acme', true],
      ['us-east-1', 'acme', true],
      ['us-west-2', 'acme', true],
    ]);
  });

  it('sees the SDK ThrottlingException, with the attempts, when every endpoint throttles', async () => {
    const { sim, ha } = await setup();
    sim.faults.add({ match: {}, fault: { type: 'error', error: 'ThrottlingException' } });

    const error = await rejection(chatModel(ha.client).invoke(TOKYO_PROMPT));

    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as { attempts: unknown[] }).attempts).toHaveLength(2);
  });

  it('cancels the upstream call with its signal, without failing over', async () => {
    const { sim, ha, wire } = await setup({ firstTokenMs: 5_000 });
    const controller = new AbortController();

    const invoking = chatModel(ha.client).invoke(TOKYO_PROMPT, { signal: controller.signal });
    // Cancelled once the simulator is serving it, so the abort must reach the socket.
    await vi.waitFor(() => expect(inFlight(sim)).toBe(1));
    controller.abort(new Error('the user left'));

    await expect(invoking).rejects.toThrow();
    expect(wire.wire.map(({ region }) => region)).toEqual(['us-east-1']);
    await vi.waitFor(() => expect(outcomesIn(sim, 'us-east-1')).toEqual({ aborted: 1 }));
    expect(outcomesIn(sim, 'us-west-2')).toEqual({});
  });
});
