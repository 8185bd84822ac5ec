import { type ClientFactory, defaultClientFactory } from '@bedrock-ha/core';
import { zodResponseFormat } from 'openai/helpers/zod';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { chunks, gatewayHarness, HAIKU, json, post, SIMULATOR, sseData } from './harness.js';
import { openaiClient } from './openai-client.js';

const start = gatewayHarness();
const HAIKU_4_5 = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const CONFIG = {
  chains: {
    // Claude Haiku 4.5 takes Converse outputConfig.textFormat.
    native: { endpoints: [{ region: 'us-west-2', modelId: HAIKU_4_5 }] },
    // Claude 3 Haiku does not (the simulator rejects it there): the answer comes from a forced tool call.
    tool: { endpoints: [{ region: 'us-west-2', modelId: HAIKU }] },
    // One model without it makes the whole chain use the tool, as a request may fail over to it.
    mixed: {
      endpoints: [
        { region: 'us-west-2', modelId: HAIKU_4_5 },
        { region: 'us-west-2', modelId: HAIKU },
      ],
    },
  },
};
const CityAnswer = z.object({
  city: z.string(),
  population: z.int(),
  districts: z.array(z.object({ name: z.string(), area_km2: z.number() })),
});
const messages = [{ role: 'user' as const, content: 'Name the largest city in the world, as JSON.' }];

/** The engine's clients, recording what each Converse call asks of Bedrock. */
function recordingConverse(seen: Record<string, unknown>[]): ClientFactory {
  return (spec) => {
    const client = defaultClientFactory(spec);
    client.middlewareStack.add(
      (next) => (args) => {
        seen.push(args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'recordConverseInput' },
    );
    return client;
  };
}

async function harness() {
  const seen: Record<string, unknown>[] = [];
  const started = await start({
    config: CONFIG,
    simulator: SIMULATOR,
    clientFactory: recordingConverse(seen),
  });
  return { ...started, seen, client: openaiClient(started.gateway) };
}

describe('response_format with the real openai client', () => {
  it.each([
    ['native', 'outputConfig'],
    ['tool', 'toolConfig'],
    ['mixed', 'toolConfig'],
  ])(
    'chat.completions.parse with zodResponseFormat gives a parsed answer (chain %s, via %s)',
    async (chain, via) => {
      const { client, seen } = await harness();
      const completion = await client.chat.completions.parse({
        model: chain,
        messages,
        response_format: zodResponseFormat(CityAnswer, 'city_answer'),
      });
      const message = completion.choices[0]!.message;
      expect(CityAnswer.parse(message.parsed)).toEqual(JSON.parse(message.content!));
      expect(message.tool_calls ?? []).toEqual([]);
      expect(completion.choices[0]!.finish_reason).toBe('stop');
      expect(seen[0]).toHaveProperty(via);
      expect(seen[0]).not.toHaveProperty(via === 'outputConfig' ? 'toolConfig' : 'outputConfig');
    },
  );

  it.each(['native', 'tool'])('streams the JSON as content deltas (chain %s)', async (chain) => {
    const { client } = await harness();
    const stream = client.chat.completions.stream({
      model: chain,
      messages,
      response_format: zodResponseFormat(CityAnswer, 'city_answer'),
    });
    const deltas: string[] = [];
    stream.on('content.delta', ({ delta }) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    const message = final.choices[0]!.message;
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.join('')).toBe(message.content);
    expect(CityAnswer.parse(message.parsed)).toEqual(JSON.parse(message.content!));
    expect(final.choices[0]!.finish_reason).toBe('stop');
  });

  it('json_object answers a JSON object as content, streamed and not', async () => {
    const { client, seen } = await harness();
    const completion = await client.chat.completions.create({
      model: 'native',
      messages,
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toBeTypeOf('object');
    expect(seen[0]).toHaveProperty('toolConfig');
    const stream = await client.chat.completions.create({
      model: 'tool',
      messages,
      response_format: { type: 'json_object' },
      stream: true,
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
    }
    expect(JSON.parse(text)).toBeTypeOf('object');
    expect(finish).toBe('stop');
  });

  it("keeps the caller's tools callable beside the answer tool", async () => {
    const { client, seen } = await harness();
    const weather = {
      type: 'function' as const,
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    };
    const completion = await client.chat.completions.create({
      model: 'tool',
      messages,
      tools: [weather],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: zodResponseFormat(CityAnswer, 'city_answer'),
    });
    expect(completion.choices[0]!.message.tool_calls?.[0]).toMatchObject({
      function: { name: 'get_weather' },
    });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    const toolConfig = seen[0]!.toolConfig as { tools: { toolSpec: { name: string } }[] };
    expect(toolConfig.tools.map((tool) => tool.toolSpec.name)).toEqual(['get_weather', 'city_answer']);
  });

  it('a schema whose root is not an object is a 400 naming it', async () => {
    const { gateway, sim } = await harness();
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        model: 'tool',
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 'list', schema: { type: 'array' } } },
      }),
    );
    expect(response.status).toBe(400);
    expect(json(response).error.param).toBe('response_format.json_schema.schema');
    expect(sim.requests()).toEqual([]);
  });

  it('an unknown response_format type is a 400 listing the ones accepted', async () => {
    const { gateway } = await harness();
    const response = await gateway.handle(
      post('/v1/chat/completions', { model: 'tool', messages, response_format: { type: 'xml' } }),
    );
    expect(response.status).toBe(400);
    expect(json(response).error.message).toContain('json_schema');
  });
});

// Keeps the raw SSE shape honest too: content deltas, not tool_calls deltas.
describe('response_format over raw server-sent events', () => {
  it('sends no tool_calls deltas for the answer tool', async () => {
    const { gateway } = await harness();
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        model: 'tool',
        messages,
        stream: true,
        response_format: { type: 'json_object' },
      }),
    );
    const events = sseData(await chunks(response));
    expect(events.some((event) => event !== '[DONE]' && event.choices[0]?.delta?.tool_calls)).toBe(false);
  });
});

describe('a structured stream that breaks after content', () => {
  it('with the answer tool ends with an error, not a resumed and repeated JSON', async () => {
    const { gateway, sim } = await start({
      config: {
        chains: {
          tool: {
            resume: true,
            endpoints: [
              { id: 'east', region: 'us-east-1', modelId: HAIKU },
              { id: 'west', region: 'us-west-2', modelId: HAIKU },
            ],
          },
        },
      },
    });
    sim.faults.add({
      match: { region: 'us-east-1', operation: 'ConverseStream' },
      fault: { type: 'stream-cut', afterEvents: 3, mode: 'reset' },
    });
    const response = await gateway.handle(
      post('/v1/chat/completions', {
        model: 'tool',
        messages,
        stream: true,
        response_format: zodResponseFormat(CityAnswer, 'city_answer'),
      }),
    );
    const events = sseData(await chunks(response));
    const content = events
      .filter((event) => event !== '[DONE]' && event.choices)
      .map((event) => event.choices[0]?.delta?.content ?? '')
      .join('');
    expect(events.some((event) => event !== '[DONE]' && event.error)).toBe(true);
    expect(() => CityAnswer.parse(JSON.parse(content))).not.toThrow();
    expect(sim.requests().filter((request) => request.region === 'us-west-2')).toEqual([]);
  });
});
