import { generateText, isStepCount, jsonSchema, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { harness } from './harness.js';

const { provider } = harness();

const weatherSchema = jsonSchema<{ city: string; unit: 'celsius' | 'fahrenheit' }>({
  type: 'object',
  properties: { city: { type: 'string', minLength: 3 }, unit: { enum: ['celsius', 'fahrenheit'] } },
  required: ['city', 'unit'],
  additionalProperties: false,
});

describe('tools through a chain', () => {
  it('calls a tool, sends its result back, and answers in a second step', async () => {
    const { bedrockHA } = await provider();
    const calls: unknown[] = [];
    const result = await generateText({
      model: bedrockHA('chat'),
      prompt: 'What is the weather in Tokyo?',
      tools: {
        weather: tool({
          description: 'The weather in a city',
          inputSchema: weatherSchema,
          execute: async (input) => {
            calls.push(input);
            return { temperature: 21 };
          },
        }),
      },
      toolChoice: { type: 'tool', toolName: 'weather' },
      // The forced choice only for the first step: then the model answers in text.
      prepareStep: ({ stepNumber }) => (stepNumber > 0 ? { toolChoice: 'auto' } : {}),
      stopWhen: isStepCount(2),
    });
    expect(result.steps).toHaveLength(2);
    const [first, second] = result.steps;
    expect(first?.finishReason).toBe('tool-calls');
    expect(first?.toolCalls).toEqual([
      expect.objectContaining({ toolName: 'weather', toolCallId: expect.stringMatching(/^tooluse_/) }),
    ]);
    // The simulator's forced tool input validates against the schema.
    expect(calls).toEqual([
      { city: expect.any(String), unit: expect.stringMatching(/^(celsius|fahrenheit)$/) },
    ]);
    expect(first?.toolResults[0]?.output).toEqual({ temperature: 21 });
    expect(second?.finishReason).toBe('stop');
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('maps toolChoice required to Converse any', async () => {
    const { bedrockHA } = await provider();
    const result = await generateText({
      model: bedrockHA('chat'),
      prompt: 'Weather please',
      tools: { weather: tool({ inputSchema: weatherSchema }) },
      toolChoice: 'required',
    });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls.map((call) => call.toolName)).toEqual(['weather']);
  });

  it('streams a tool call as input start, deltas, end and the call', async () => {
    const { bedrockHA } = await provider();
    const result = streamText({
      model: bedrockHA('chat'),
      prompt: 'What is the weather in Tokyo?',
      tools: { weather: tool({ inputSchema: weatherSchema }) },
      toolChoice: { type: 'tool', toolName: 'weather' },
    });
    const parts: string[] = [];
    let input = '';
    for await (const part of result.fullStream) {
      if (part.type.startsWith('tool-')) parts.push(part.type);
      if (part.type === 'tool-input-delta') input += part.delta;
    }
    expect(parts).toEqual(['tool-input-start', 'tool-input-delta', 'tool-input-end', 'tool-call']);
    const [call] = await result.toolCalls;
    expect(call?.input).toEqual(JSON.parse(input));
    expect(await result.finishReason).toBe('tool-calls');
  });
});
