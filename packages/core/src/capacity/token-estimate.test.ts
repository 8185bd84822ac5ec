import { describe, expect, it } from 'vitest';
import { estimateDemand, IMAGE_TOKENS } from './token-estimate.js';

const text = (value: string) => ({ role: 'user', content: [{ text: value }] });

describe('estimateDemand', () => {
  it('counts Converse text at four bytes a token, system and tools included, and reads maxTokens', () => {
    const demand = estimateDemand('Converse', {
      messages: [text('x'.repeat(40))],
      system: [{ text: 'y'.repeat(20) }],
      inferenceConfig: { maxTokens: 300 },
    });
    expect(demand).toEqual({ inputTokens: 15, maxTokens: 300 });
  });

  it('counts multi-byte text by its UTF-8 bytes', () => {
    expect(estimateDemand('ConverseStream', { messages: [text('é'.repeat(8))] }).inputTokens).toBe(4);
  });

  it('counts each image as a fixed number of tokens, whatever its size, and documents by their bytes', () => {
    const demand = estimateDemand('Converse', {
      messages: [
        {
          role: 'user',
          content: [
            { image: { format: 'png', source: { bytes: new Uint8Array(1_000_000) } } },
            { document: { format: 'txt', name: 'notes', source: { bytes: new Uint8Array(400) } } },
          ],
        },
      ],
    });
    expect(demand).toEqual({ inputTokens: IMAGE_TOKENS + 100, maxTokens: undefined });
  });

  it.each([
    [
      'Anthropic',
      { anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [text('abcd'.repeat(5))] },
    ],
    [
      'Nova',
      {
        messages: [{ role: 'user', content: [{ text: 'abcd'.repeat(5) }] }],
        inferenceConfig: { max_new_tokens: 50 },
      },
    ],
    ['Titan', { inputText: 'abcd'.repeat(5), textGenerationConfig: { maxTokenCount: 50 } }],
    ['Llama', { prompt: 'abcd'.repeat(5), max_gen_len: 50 }],
  ])('reads an InvokeModel body of the %s family', (_family, body) => {
    const bytes = new TextEncoder().encode(JSON.stringify(body));
    expect(estimateDemand('InvokeModel', { body: bytes })).toEqual({ inputTokens: 5, maxTokens: 50 });
  });

  it('counts a body that is not JSON by its bytes', () => {
    expect(estimateDemand('InvokeModelWithResponseStream', { body: 'not json at all!' })).toEqual({
      inputTokens: 4,
      maxTokens: undefined,
    });
  });
});
