import {
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { type BedrockHAConfig, rawBytesOf } from '@bedrock-ha/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunks, gatewayHarness, HAIKU, post, SIMULATOR, sdkClient, TOKYO_PROMPT } from './harness.js';

const start = gatewayHarness();
const messages = [{ role: 'user' as const, content: [{ text: TOKYO_PROMPT }] }];
// A prompt without a canned answer: the simulator writes 40 tokens.
const LONG = [{ role: 'user' as const, content: [{ text: 'Explain failover in a few sentences.' }] }];
const RESUMING: BedrockHAConfig = {
  policy: { retry: { maxAttempts: 1 } },
  chains: {
    claude: {
      resume: true,
      endpoints: [
        { id: 'east', region: 'us-east-1', modelId: HAIKU },
        { id: 'west', region: 'us-west-2', modelId: HAIKU },
      ],
    },
  },
};
const simulator = { ...SIMULATOR, models: { '*': { outputTokens: 40 } } };
const textOf = (events: ConverseStreamOutput[]) =>
  events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');

async function streamed(client: ReturnType<typeof sdkClient>, input = messages) {
  const output = await client.send(new ConverseStreamCommand({ modelId: 'claude', messages: input }));
  const events: ConverseStreamOutput[] = [];
  for await (const event of output.stream!) events.push(event);
  return events;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Bedrock-native routes forward the upstream bytes when nothing is rewritten', () => {
  it('sends each ConverseStream event as the frame Bedrock sent, and the Converse body as Bedrock sent it', async () => {
    const { gateway, ha } = await start();
    // The engine's own events carry the frames it read; the gateway's stream is those frames.
    const direct = await ha.converseStream('claude', { messages });
    const frames: Uint8Array[] = [];
    for await (const event of direct.stream) frames.push(rawBytesOf(event)!);
    expect(frames.every((frame) => frame instanceof Uint8Array)).toBe(true);
    const response = await gateway.handle(post('/model/claude/converse-stream', { messages }));
    expect(Buffer.concat(await chunks(response))).toEqual(Buffer.concat(frames));

    // The metrics differ from call to call (measured latency): the body is Bedrock's JSON as bytes.
    const unary = await ha.converse('claude', { messages });
    expect(rawBytesOf(unary)).toBeInstanceOf(Uint8Array);
    const answer = await gateway.handle(post('/model/claude/converse', { messages }));
    expect(answer.body).toBeInstanceOf(Uint8Array);
    const body = JSON.parse(Buffer.from(answer.body as Uint8Array).toString('utf8'));
    expect(body.output).toEqual(unary.output);
    expect(Object.keys(body).sort()).toEqual(
      Object.keys(JSON.parse(Buffer.from(rawBytesOf(unary)!).toString())).sort(),
    );
  });

  it('encodes the events again when the transport kept no bytes (the SDK path), with the same answer', async () => {
    vi.stubEnv('BEDROCK_HA_TRANSPORT', 'sdk');
    const { gateway, ha } = await start();
    const direct = await ha.converseStream('claude', { messages });
    for await (const event of direct.stream) expect(rawBytesOf(event)).toBeUndefined();
    const events = await streamed(sdkClient(gateway));
    expect(events[0]).toEqual({ messageStart: { role: 'assistant' } });
    expect(textOf(events)).toBe('Tokyo');
    const answer = await gateway.handle(post('/model/claude/converse', { messages }));
    expect(typeof answer.body).toBe('string');
    const output = await sdkClient(gateway).send(new ConverseCommand({ modelId: 'claude', messages }));
    expect(output.output?.message?.content?.[0]?.text).toBe('Tokyo');
  });

  it('a stream resumed elsewhere mixes forwarded frames with the rewritten continuation into one answer', async () => {
    const { gateway, sim } = await start({ config: RESUMING, simulator });
    const client = sdkClient(gateway);
    const clean = await streamed(client, LONG);
    sim.faults.add({
      match: { region: 'us-east-1', operation: 'ConverseStream' },
      fault: { type: 'stream-cut', afterEvents: 6, mode: 'reset' },
    });
    const resumed = await streamed(client, LONG);
    expect(textOf(resumed)).toBe(textOf(clean));
    expect(resumed.filter((event) => event.messageStart)).toHaveLength(1);
    expect(resumed.filter((event) => event.messageStop)).toHaveLength(1);
    expect(sim.counters({ region: 'us-west-2' })[0]?.requests).toBeGreaterThan(0);
  });
});
