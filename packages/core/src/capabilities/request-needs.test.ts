import { describe, expect, it } from 'vitest';
import { requestNeeds, scopedNeeds } from './request-needs.js';
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

describe('scopedNeeds (the engine hot path)', () => {
  const window = 200_000;
  const none = new Set<never>();

  it('bounds a Converse text by its UTF-16 units, counting bytes only when the bound could exceed the window', () => {
    const short = { messages: [{ role: 'user', content: [text('é'.repeat(1_000))] }] };
    // 1,000 units: at most 3,000 bytes, far below the window, so no byte is counted.
    expect(scopedNeeds('Converse', short, { features: none, window }).textTokens).toBe(750);
    // 400,000 ASCII units: the bound (300,000) would not fit, so the exact count (100,000) decides.
    const long = { messages: [{ role: 'user', content: [text('x'.repeat(400_000))] }] };
    expect(scopedNeeds('Converse', long, { features: none, window }).textTokens).toBe(100_000);
    // No window known and no walked feature in scope: nothing is walked.
    expect(
      scopedNeeds('Converse', long, { features: new Set(['tools']), window: undefined }).textTokens,
    ).toBe(0);
  });

  it('leaves an InvokeModel body unparsed when its bytes fit the window and it shows no feature in scope', () => {
    const data = 'A'.repeat(400_000);
    const body = JSON.stringify({
      max_tokens: 512,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data } }] }],
    });
    const unparsed = scopedNeeds('InvokeModel', { body }, { features: new Set(['tools']), window });
    expect(unparsed.textTokens).toBe(Math.ceil(body.length / 4));
    expect(unparsed.maxTokens).toBe(512);
    expect([...unparsed.features]).toEqual([]);
    // With images in scope, the body shows one: parsed, and its base64 left out of the text.
    const parsed = scopedNeeds(
      'InvokeModel',
      { body: new TextEncoder().encode(body) },
      {
        features: new Set(['images']),
        window,
      },
    );
    expect([...parsed.features]).toEqual(['images']);
    expect(parsed.textTokens).toBe(0);
  });

  it('parses a body whose maxTokens is not a plain number, or could push it past the window', () => {
    const body = (maxTokens: unknown) =>
      JSON.stringify({ max_tokens: maxTokens, messages: [{ role: 'user', content: 'hi' }] });
    const scope = { features: none, window };
    expect(scopedNeeds('InvokeModel', { body: body('512') }, scope).maxTokens).toBeUndefined();
    expect(scopedNeeds('InvokeModel', { body: body(250_000) }, scope)).toMatchObject({
      maxTokens: 250_000,
      textTokens: 1, // 'hi'
    });
  });
});
