import { generateText, NoSuchModelError } from 'ai';
import { describe, expect, it } from 'vitest';
import { harness, TOKYO } from './harness.js';

const { provider } = harness();

describe('generateText through a chain', () => {
  it('answers from the primary, with servedBy, usage and the finish reason', async () => {
    const { bedrockHA } = await provider();
    const result = await generateText({ model: bedrockHA('chat'), prompt: TOKYO });
    expect(result.text).toBe('Tokyo');
    expect(result.finishReason).toBe('stop');
    expect(result.providerMetadata?.bedrockHa?.servedBy).toMatchObject({
      endpointId: 'primary',
      region: 'us-east-1',
      kind: 'provisioned',
    });
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(1);
    expect(result.usage.inputTokenDetails.noCacheTokens).toBe(result.usage.inputTokens);
    expect(result.response.modelId).toMatch(/provisioned-model\/primary00001$/);
  });

  it('passes maxOutputTokens and stop sequences, and says length when the answer is cut', async () => {
    const { bedrockHA } = await provider();
    const long = 'Tell me about failover in three paragraphs';
    const cut = await generateText({ model: bedrockHA('chat'), prompt: long, maxOutputTokens: 3 });
    expect(cut.finishReason).toBe('length');
    expect(cut.usage.outputTokens).toBe(3);

    const whole = await generateText({ model: bedrockHA('chat'), prompt: long });
    const stopAt = whole.text.split(' ')[2] as string;
    const stopped = await generateText({ model: bedrockHA('chat'), prompt: long, stopSequences: [stopAt] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(whole.text.slice(0, whole.text.indexOf(stopAt)));
  });

  it('sends the system prompt, earlier turns, an image and a document', async () => {
    const { bedrockHA } = await provider();
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const result = await generateText({
      model: bedrockHA('chat'),
      system: 'Answer in one word.',
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hello! What would you like to know?' },
        {
          role: 'user',
          content: [
            { type: 'file', data: png, mediaType: 'image/png' },
            {
              type: 'file',
              data: Buffer.from('%PDF-1.4 notes'),
              mediaType: 'application/pdf',
              filename: 'notes.pdf',
            },
            { type: 'text', text: TOKYO },
          ],
        },
      ],
    });
    expect(result.text).toBe('Tokyo');
    // The system prompt's words are counted with the question's.
    const alone = await generateText({ model: bedrockHA('chat'), prompt: TOKYO });
    expect(result.usage.inputTokens).toBeGreaterThan(alone.usage.inputTokens ?? 0);
  });

  it('warns about settings Converse does not take, and still answers', async () => {
    const { bedrockHA } = await provider();
    const result = await generateText({ model: bedrockHA('chat'), prompt: TOKYO, topK: 5, seed: 7 });
    expect(result.text).toBe('Tokyo');
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported', feature: 'topK' }),
      expect.objectContaining({ type: 'unsupported', feature: 'seed' }),
    ]);
  });

  it('rejects an unknown chain with NoSuchModelError naming the chains', async () => {
    const { bedrockHA } = await provider();
    expect(() => bedrockHA('anthropic.claude-3-haiku-20240307-v1:0')).toThrow(NoSuchModelError);
    expect(() => bedrockHA('nope')).toThrow('No chain named "nope": the configured chains are "chat".');
  });

  it('rejects bad provider options before any request, naming the option', async () => {
    const { bedrockHA, sim } = await provider();
    await expect(
      generateText({
        model: bedrockHA('chat'),
        prompt: TOKYO,
        providerOptions: { bedrockHa: { deadlineMs: -1 } },
      }),
    ).rejects.toThrow('providerOptions.bedrockHa.deadlineMs must be a positive number of milliseconds.');
    expect(sim.requests()).toHaveLength(0);
  });
});
