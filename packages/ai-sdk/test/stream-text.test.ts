import { streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { harness, PRIMARY_PT } from './harness.js';

const { provider } = harness();
const QUESTION = 'Tell me about failover';

describe('streamText through a chain', () => {
  it('streams text deltas, then usage, the finish reason and servedBy', async () => {
    const { bedrockHA } = await provider();
    const result = streamText({ model: bedrockHA('chat'), prompt: QUESTION, maxOutputTokens: 12 });
    const parts: string[] = [];
    const deltas: string[] = [];
    for await (const part of result.fullStream) {
      parts.push(part.type);
      if (part.type === 'text-delta') deltas.push(part.text);
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(await result.text).toBe(deltas.join(''));
    expect(parts.filter((type) => type !== 'text-delta')).toEqual([
      'start',
      'start-step',
      'text-start',
      'text-end',
      'finish-step',
      'finish',
    ]);
    expect(await result.finishReason).toBe('length');
    expect((await result.usage).outputTokens).toBe(12);
    expect((await result.providerMetadata)?.bedrockHa?.servedBy).toMatchObject({ endpointId: 'primary' });
  });

  it('fails over before the first token: the caller sees only the backup stream', async () => {
    const { bedrockHA, sim } = await provider();
    sim.faults.add({
      match: { model: PRIMARY_PT, operation: 'ConverseStream' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const result = streamText({ model: bedrockHA('chat'), prompt: QUESTION });
    const text = await result.text;
    expect(text.length).toBeGreaterThan(0);
    const metadata = (await result.providerMetadata)?.bedrockHa;
    expect(metadata?.servedBy).toMatchObject({ endpointId: 'backup', region: 'us-west-2' });
    expect(metadata?.attempts).toEqual([
      expect.objectContaining({
        endpointId: 'primary',
        outcome: 'failure',
        errorName: 'ServiceUnavailableException',
      }),
      expect.objectContaining({ endpointId: 'primary', outcome: 'failure' }),
      expect.objectContaining({ endpointId: 'backup', outcome: 'success' }),
    ]);
  });

  it('resumes a stream cut after content on the backup, without repeating text', async () => {
    const { bedrockHA, sim } = await provider();
    const whole = await streamText({ model: bedrockHA('chat'), prompt: QUESTION }).text;
    sim.faults.add({
      match: { model: PRIMARY_PT, operation: 'ConverseStream' },
      when: { times: 1 },
      fault: { type: 'stream-cut', afterEvents: 4, mode: 'reset' },
    });
    const result = streamText({
      model: bedrockHA('chat'),
      prompt: QUESTION,
      providerOptions: { bedrockHa: { resume: true } },
    });
    expect(await result.text).toBe(whole);
    expect((await result.providerMetadata)?.bedrockHa?.servedBy).toMatchObject({ endpointId: 'backup' });
  });

  it('reports a stream cut after content as an error part, with the text delivered so far', async () => {
    const { bedrockHA, sim } = await provider();
    sim.faults.add({
      match: { model: PRIMARY_PT, operation: 'ConverseStream' },
      fault: { type: 'stream-cut', afterEvents: 4, mode: 'reset' },
    });
    const errors: unknown[] = [];
    const result = streamText({
      model: bedrockHA('chat'),
      prompt: QUESTION,
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    const deltas: string[] = [];
    for await (const part of result.fullStream) if (part.type === 'text-delta') deltas.push(part.text);
    expect(deltas.length).toBeGreaterThan(0);
    expect(errors).toEqual([expect.objectContaining({ name: 'StreamInterruptedError' })]);
    expect((errors[0] as { partialText: string }).partialText).toBe(deltas.join(''));
  });
});
