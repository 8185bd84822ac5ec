import { describe, expect, it } from 'vitest';
import { mapUsage } from './map-usage.js';

describe('mapUsage', () => {
  it('counts cache reads and writes into the total input, as Bedrock leaves them out of inputTokens', () => {
    const usage = mapUsage({
      inputTokens: 10,
      outputTokens: 5,
      totalTokens: 115,
      cacheReadInputTokens: 80,
      cacheWriteInputTokens: 20,
    });
    expect(usage.inputTokens).toEqual({ total: 110, noCache: 10, cacheRead: 80, cacheWrite: 20 });
    expect(usage.outputTokens).toEqual({ total: 5, text: 5, reasoning: undefined });
    expect(usage.raw).toMatchObject({ cacheReadInputTokens: 80 });
  });

  it('leaves every count undefined when the answer had no usage', () => {
    expect(mapUsage(undefined).inputTokens.total).toBeUndefined();
  });
});
