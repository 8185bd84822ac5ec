import {
  ApplyGuardrailCommand,
  ConverseCommand,
  ConverseStreamCommand,
  CountTokensCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it, vi } from 'vitest';
import { UnknownChainError } from '../src/index.js';
import {
  chunkText,
  converseText,
  drain,
  HAIKU,
  haikuPt,
  harness,
  outcomesIn,
  ptArn,
  TOKYO_PROMPT,
  userMessage,
  watchTimers,
} from './harness.js';

const { simulator, engine } = harness();
const PT = ptArn('us-east-1', 'dropinpt0001');
const INVOKE_BODY = new TextEncoder().encode(
  JSON.stringify({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 100,
    messages: [{ role: 'user', content: [{ type: 'text', text: TOKYO_PROMPT }] }],
  }),
);

async function setup(options: { firstTokenMs?: number } = {}) {
  const sim = await simulator({
    provisionedThroughputs: [haikuPt('us-east-1', 'dropinpt0001')],
    models: { '*': { firstTokenMs: options.firstTokenMs ?? 0 } },
  });
  const ha = engine(sim, {
    chains: {
      haiku: {
        endpoints: [
          { id: 'pt', modelId: PT },
          { id: 'west', region: 'us-west-2', modelId: HAIKU },
        ],
      },
      other: { endpoints: [{ region: 'eu-west-1', modelId: HAIKU }] },
    },
  });
  return { sim, ha };
}

describe('ha.client, the BedrockRuntimeClient look-alike', () => {
  it('serves the four runtime commands with SDK-shaped outputs, modelId naming the chain', async () => {
    const timers = watchTimers();
    const { sim, ha } = await setup();

    const converse = await ha.client.send(
      new ConverseCommand({ modelId: 'haiku', messages: userMessage(TOKYO_PROMPT) }),
    );
    expect(converse.output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect(converse.stopReason).toBe('end_turn');
    expect(converse.$metadata.httpStatusCode).toBe(200);
    expect(converse.servedBy.endpointId).toBe('pt');

    const stream = await ha.client.send(
      new ConverseStreamCommand({ modelId: 'haiku', messages: userMessage(TOKYO_PROMPT) }),
    );
    expect(stream.servedBy.endpointId).toBe('pt');
    const streamed = await drain(stream.stream, converseText);
    expect(streamed.text).toBe('Tokyo');
    expect(streamed.events.at(-1)?.metadata?.usage?.outputTokens).toBe(1);

    const invoke = await ha.client.send(
      new InvokeModelCommand({ modelId: 'haiku', body: INVOKE_BODY, contentType: 'application/json' }),
    );
    expect(invoke.body).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(new TextDecoder().decode(invoke.body)).content[0].text).toBe('Tokyo');
    expect(invoke.contentType).toBe('application/json');
    expect(invoke.servedBy.endpointId).toBe('pt');

    const chunks = await ha.client.send(
      new InvokeModelWithResponseStreamCommand({
        modelId: 'haiku',
        body: INVOKE_BODY,
        contentType: 'application/json',
      }),
    );
    expect(chunks.servedBy.endpointId).toBe('pt');
    const chunked = await drain(chunks.body, chunkText);
    expect(chunked.text).toBe('Tokyo');
    expect(chunked.events.every((event) => event.chunk?.bytes instanceof Uint8Array)).toBe(true);

    expect(outcomesIn(sim, 'us-east-1')).toEqual({ success: 4 });
    ha.destroy();
    await sim.close();
    expect(await timers.left()).toEqual([]);
  });

  it('fails over through the chain for every command', async () => {
    const { sim, ha } = await setup();
    sim.faults.add({ match: { model: PT }, fault: { type: 'error', error: 'ThrottlingException' } });

    const results = [
      await ha.client.send(new ConverseCommand({ modelId: 'haiku', messages: userMessage(TOKYO_PROMPT) })),
      await ha.client.send(
        new ConverseStreamCommand({ modelId: 'haiku', messages: userMessage(TOKYO_PROMPT) }),
      ),
      await ha.client.send(new InvokeModelCommand({ modelId: 'haiku', body: INVOKE_BODY })),
      await ha.client.send(new InvokeModelWithResponseStreamCommand({ modelId: 'haiku', body: INVOKE_BODY })),
    ];

    expect(results.map((result) => result.servedBy.endpointId)).toEqual(['west', 'west', 'west', 'west']);
    for (const result of results)
      expect(result.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.errorName])).toEqual([
        ['pt', 'ThrottlingException'],
        ['west', undefined],
      ]);
    expect(await drain((results[1] as { stream: AsyncIterable<never> }).stream, converseText)).toMatchObject({
      text: 'Tokyo',
    });
    expect(await drain((results[3] as { body: AsyncIterable<never> }).body, chunkText)).toMatchObject({
      text: 'Tokyo',
    });
  });

  it('honours the abortSignal send option, down to the upstream call', async () => {
    const { sim, ha } = await setup({ firstTokenMs: 5_000 });
    const reason = new Error('the caller left');
    const controller = new AbortController();
    const sending = ha.client.send(
      new ConverseCommand({ modelId: 'haiku', messages: userMessage(TOKYO_PROMPT) }),
      {
        abortSignal: controller.signal,
      },
    );
    // Cancelled once the simulator is serving it, so the abort must reach the socket.
    await vi.waitFor(() =>
      expect(Object.values(sim.capacity()).reduce((sum, endpoint) => sum + endpoint.inFlight, 0)).toBe(1),
    );
    controller.abort(reason);

    await expect(sending).rejects.toBe(reason);
    await vi.waitFor(() => expect(outcomesIn(sim, 'us-east-1')).toEqual({ aborted: 1 }));
    expect(outcomesIn(sim, 'us-west-2')).toEqual({});

    const streaming = ha.client.send(
      new ConverseStreamCommand({ modelId: 'haiku', messages: userMessage(TOKYO_PROMPT) }),
      {
        abortSignal: AbortSignal.abort(reason),
      },
    );
    await expect(streaming).rejects.toBe(reason);
  });

  it('rejects a modelId that names no chain with UnknownChainError listing the chains', async () => {
    const { ha } = await setup();
    const sending = ha.client.send(
      new ConverseCommand({ modelId: HAIKU, messages: userMessage(TOKYO_PROMPT) }),
    );

    await expect(sending).rejects.toBeInstanceOf(UnknownChainError);
    await expect(sending).rejects.toThrow(
      `No chain is named "${HAIKU}"; the configuration has: haiku, other`,
    );
  });

  it('rejects a command it does not serve with a TypeError naming it', async () => {
    const { sim, ha } = await setup();
    const send = ha.client.send.bind(ha.client) as (command: unknown) => Promise<unknown>;

    await expect(
      send(new CountTokensCommand({ modelId: 'haiku', input: { converse: { messages: [] } } })),
    ).rejects.toThrow(
      new TypeError(
        "bedrock-ha's client serves Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream, not CountTokensCommand; send it with a BedrockRuntimeClient",
      ),
    );
    // ApplyGuardrail has no modelId at all: it is still named, not reported as a missing modelId.
    await expect(
      send(
        new ApplyGuardrailCommand({
          guardrailIdentifier: 'g',
          guardrailVersion: '1',
          source: 'INPUT',
          content: [],
        }),
      ),
    ).rejects.toThrow(/not ApplyGuardrailCommand/);
    await expect(send(new ConverseCommand({ modelId: '', messages: [] }))).rejects.toThrow(
      new TypeError('The command has no modelId; set it to the name of a bedrock-ha chain'),
    );
    expect(sim.counters()).toEqual([]);
  });
});
