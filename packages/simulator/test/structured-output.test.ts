import { ConverseCommand, ConverseStreamCommand, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { HAIKU, rejection, runtimeClient, simulators, TOKYO_PROMPT, userMessage } from './sdk.js';

const startSimulator = simulators();
const HAIKU_4_5 = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const City = z.object({
  city: z.string(),
  population: z.int().min(1),
  districts: z.array(z.object({ name: z.string(), area: z.number() })).min(2),
});
const schema = z.toJSONSchema(City);
const outputConfig = {
  textFormat: {
    type: 'json_schema' as const,
    structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'city' } },
  },
};

describe('structured output (Converse outputConfig.textFormat)', () => {
  it('answers Converse with JSON text that validates against the schema', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-west-2');
    const output = await client.send(
      new ConverseCommand({ modelId: HAIKU_4_5, messages: userMessage(TOKYO_PROMPT), outputConfig }),
    );
    const text = output.output?.message?.content?.[0]?.text ?? '';
    expect(() => City.parse(JSON.parse(text))).not.toThrow();
    expect(output.stopReason).toBe('end_turn');
  });

  it('streams the same JSON as text deltas in ConverseStream', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-west-2');
    const whole = await client.send(
      new ConverseCommand({ modelId: HAIKU_4_5, messages: userMessage('a city'), outputConfig }),
    );
    const output = await client.send(
      new ConverseStreamCommand({ modelId: HAIKU_4_5, messages: userMessage('a city'), outputConfig }),
    );
    const deltas: string[] = [];
    for await (const event of output.stream!) {
      if (event.contentBlockDelta?.delta?.text !== undefined) deltas.push(event.contentBlockDelta.delta.text);
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(whole.output?.message?.content?.[0]?.text);
  });

  it('rejects outputConfig.textFormat on a model without structured output', async () => {
    const sim = await startSimulator();
    const error = await rejection(
      runtimeClient(sim, 'us-west-2').send(
        new ConverseCommand({ modelId: HAIKU, messages: userMessage(TOKYO_PROMPT), outputConfig }),
      ),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toContain('does not support structured outputs');
  });
});

describe('a forced tool call', () => {
  const toolConfig = {
    tools: [{ toolSpec: { name: 'record_city', inputSchema: { json: schema as never } } }],
    toolChoice: { tool: { name: 'record_city' } },
  };

  it('has an input that validates against the tool input schema, in Converse and ConverseStream', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-west-2');
    const output = await client.send(
      new ConverseCommand({ modelId: HAIKU, messages: userMessage(TOKYO_PROMPT), toolConfig }),
    );
    const toolUse = output.output?.message?.content?.[0]?.toolUse;
    expect(toolUse?.name).toBe('record_city');
    expect(() => City.parse(toolUse?.input)).not.toThrow();
    expect(output.stopReason).toBe('tool_use');

    const streamed = await client.send(
      new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(TOKYO_PROMPT), toolConfig }),
    );
    let input = '';
    for await (const event of streamed.stream!) input += event.contentBlockDelta?.delta?.toolUse?.input ?? '';
    expect(JSON.parse(input)).toEqual(toolUse?.input);
  });
});
