import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { gatewayHarness, PT_ARN, sdkClient, TOKYO_PROMPT } from './harness.js';

const start = gatewayHarness();
const messages = [{ role: 'user' as const, content: [{ text: TOKYO_PROMPT }] }];
const throttlePt = {
  match: { model: PT_ARN },
  fault: { type: 'error', error: 'ThrottlingException' },
} as const;

describe('Bedrock-native routes with the real AWS SDK', () => {
  it('Converse through the gateway fails over and parses as the SDK output', async () => {
    const { gateway, sim } = await start();
    sim.faults.add(throttlePt);
    const output = await sdkClient(gateway).send(new ConverseCommand({ modelId: 'claude', messages }));
    expect(output.output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect(output.stopReason).toBe('end_turn');
    expect(output.usage?.outputTokens).toBeGreaterThan(0);
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(output).not.toHaveProperty('servedBy');
  });

  it('ConverseStream through the gateway yields the events the SDK decodes', async () => {
    const { gateway, sim } = await start();
    sim.faults.add(throttlePt);
    const output = await sdkClient(gateway).send(new ConverseStreamCommand({ modelId: 'claude', messages }));
    const events = [];
    for await (const event of output.stream!) events.push(event);
    expect(events[0]).toEqual({ messageStart: { role: 'assistant' } });
    expect(events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('')).toBe('Tokyo');
    expect(events.some((event) => event.messageStop?.stopReason === 'end_turn')).toBe(true);
    expect(events.at(-1)?.metadata?.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('InvokeModel passes the body through and returns the model content type', async () => {
    const { gateway } = await start();
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 100,
      messages: [{ role: 'user', content: TOKYO_PROMPT }],
    });
    const output = await sdkClient(gateway).send(
      new InvokeModelCommand({
        modelId: 'claude',
        body,
        contentType: 'application/json',
        accept: 'application/json',
      }),
    );
    expect(output.contentType).toBe('application/json');
    const answer = JSON.parse(output.body.transformToString());
    expect(answer.content[0].text).toBe('Tokyo');
  });

  it('InvokeModelWithResponseStream yields chunks whose bytes are the model JSON', async () => {
    const { gateway } = await start();
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 100,
      messages: [{ role: 'user', content: TOKYO_PROMPT }],
    });
    const output = await sdkClient(gateway).send(
      new InvokeModelWithResponseStreamCommand({ modelId: 'claude', body, contentType: 'application/json' }),
    );
    let text = '';
    for await (const event of output.body!) {
      const chunk = JSON.parse(new TextDecoder().decode(event.chunk!.bytes));
      text += chunk.delta?.text ?? '';
    }
    expect(text).toBe('Tokyo');
  });

  it('an unknown chain is a ValidationException naming the chains', async () => {
    const { gateway } = await start();
    const error = await sdkClient(gateway)
      .send(new ConverseCommand({ modelId: 'no-such-chain', messages }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toContain('claude, nova');
  });

  it('every endpoint throttled is a ThrottlingException', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({ match: {}, fault: { type: 'error', error: 'ThrottlingException' } });
    const error = await sdkClient(gateway)
      .send(new ConverseCommand({ modelId: 'claude', messages }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(429);
  });
});
