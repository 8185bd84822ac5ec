import { describe, expect, it } from 'vitest';
import { requestNeeds } from './request-needs.js';
import { stripFeatures } from './strip-features.js';

const text = (value: string) => ({ text: value });

describe('requestNeeds', () => {
  it('finds every feature of a Converse request, and its text in tokens', () => {
    const needs = requestNeeds('Converse', {
      system: [text('be brief'), { cachePoint: { type: 'default' } }],
      messages: [
        {
          role: 'user',
          content: [
            text('x'.repeat(400)),
            { image: { format: 'png', source: { bytes: new Uint8Array(10_000) } } },
            { document: { format: 'pdf', name: 'a', source: { bytes: new Uint8Array(10_000) } } },
          ],
        },
      ],
      toolConfig: { tools: [{ toolSpec: { name: 'weather', inputSchema: { json: {} } } }] },
      outputConfig: { textFormat: { type: 'json_schema' } },
      performanceConfig: { latency: 'optimized' },
      serviceTier: { type: 'priority' },
      inferenceConfig: { maxTokens: 300 },
    });
    expect([...needs.features].sort()).toEqual([
      'cachePoint',
      'documents',
      'images',
      'performanceConfig',
      'serviceTier',
      'structuredOutput',
      'tools',
    ]);
    expect(needs.serviceTier).toBe('priority');
    expect(needs.maxTokens).toBe(300);
    // 400 + 8 ('be brief') + 7 ('weather') bytes of text; the image and document bytes are left out.
    expect(needs.textTokens).toBe(Math.ceil(415 / 4));
  });

  it('asks nothing of a plain request: standard latency is no performanceConfig', () => {
    const needs = requestNeeds('ConverseStream', {
      messages: [{ role: 'user', content: [text('hi')] }],
      performanceConfig: { latency: 'standard' },
    });
    expect([...needs.features]).toEqual([]);
  });

  it('reads an InvokeModel body of any family: Anthropic tools, images and cache_control', () => {
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 50,
      tools: [{ name: 'weather', input_schema: {} }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
      ],
    });
    const needs = requestNeeds('InvokeModel', {
      body,
      performanceConfigLatency: 'optimized',
      serviceTier: 'flex',
    });
    expect([...needs.features].sort()).toEqual([
      'cachePoint',
      'images',
      'performanceConfig',
      'serviceTier',
      'tools',
    ]);
    expect(needs.maxTokens).toBe(50);
  });

  it('walks a deeply nested request without overflowing the stack', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let depth = 0; depth < 50_000; depth++) schema = { type: 'object', properties: { a: schema } };
    const needs = requestNeeds('Converse', {
      messages: [{ role: 'user', content: [text('hi')] }],
      toolConfig: { tools: [{ toolSpec: { name: 'deep', inputSchema: { json: schema } } }] },
    });
    expect(needs.features.has('tools')).toBe(true);
  });
});

describe('stripFeatures', () => {
  it('removes cache_control from an InvokeModel body and the optional members, leaving the input as it was', () => {
    const input = {
      body: JSON.stringify({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: {} }] }],
      }),
      performanceConfigLatency: 'optimized',
      serviceTier: 'flex',
    };
    const stripped = stripFeatures('InvokeModel', input, ['cachePoint', 'performanceConfig', 'serviceTier']);
    expect(stripped).toEqual({
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }),
    });
    expect(input.serviceTier).toBe('flex');
  });

  it('removes Converse cachePoint blocks from the system prompt, messages and tools only', () => {
    const point = { cachePoint: { type: 'default' } };
    const stripped = stripFeatures(
      'Converse',
      {
        system: [text('s'), point],
        messages: [{ role: 'user', content: [text('hi'), point] }],
        toolConfig: { tools: [{ toolSpec: { name: 't' } }, point] },
      },
      ['cachePoint'],
    );
    expect(stripped).toEqual({
      system: [text('s')],
      messages: [{ role: 'user', content: [text('hi')] }],
      toolConfig: { tools: [{ toolSpec: { name: 't' } }] },
    });
  });
});
