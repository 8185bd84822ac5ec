import type {
  ConverseStreamCommandInput,
  ConverseStreamOutput,
  Message,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import {
  type BedrockHAConfig,
  type ClientFactory,
  defaultClientFactory,
  type FailoverEvent,
  StreamInterruptedError,
} from '../src/index.js';
import { converseText, drain, HAIKU, harness, outcomesIn, userMessage, watchTimers } from './harness.js';

const { simulator, engine } = harness();
const PROMPT = 'Explain failover in a few sentences.';
const REGIONS = { east: 'us-east-1', west: 'us-west-2', eu: 'eu-west-1' } as const;
const CONFIG: BedrockHAConfig = {
  policy: { retry: { maxAttempts: 1 } },
  chains: {
    haiku: {
      resume: true,
      endpoints: Object.entries(REGIONS).map(([id, region]) => ({ id, region, modelId: HAIKU })),
    },
  },
};

/** The ConverseStream inputs each region's client sent: the simulator does not log bodies. */
function recordingClients() {
  const sent: { region: string; input: ConverseStreamCommandInput }[] = [];
  const clientFactory: ClientFactory = (spec) => {
    const client = defaultClientFactory(spec);
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'ConverseStreamCommand')
          sent.push({
            region: spec.region,
            input: structuredClone(args.input as ConverseStreamCommandInput),
          });
        return next(args);
      },
      { step: 'initialize', name: 'recordConverseStreamInput' },
    );
    return client;
  };
  return { sent, clientFactory };
}

async function setup(config: BedrockHAConfig = CONFIG) {
  const sim = await simulator();
  const { sent, clientFactory } = recordingClients();
  const ha = engine(sim, config, { clientFactory });
  const failovers: FailoverEvent[] = [];
  ha.onFailover((event) => failovers.push(event));
  const attempts: string[] = [];
  ha.onAttempt((attempt) => attempts.push(`${attempt.endpoint.endpointId} ${attempt.outcome}`));
  // The uninterrupted answer, for comparison.
  const clean = await drain(
    (await ha.converseStream('haiku', { messages: userMessage(PROMPT) })).stream,
    converseText,
  );
  sim.reset();
  sent.length = 0;
  attempts.length = 0;
  // The answer's tokens, one per text event.
  const pieces = clean.events.map(converseText).filter((text) => text !== '');
  return { sim, ha, sent, failovers, attempts, answer: clean.text, pieces };
}

const cutAfter = (region: string, afterEvents: number) => ({
  match: { region, operation: 'ConverseStream' as const },
  fault: { type: 'stream-cut' as const, afterEvents, mode: 'reset' as const },
});
const lastMessage = (input: ConverseStreamCommandInput): Message | undefined => input.messages?.at(-1);
const messageStarts = (events: ConverseStreamOutput[]) => events.filter((event) => event.messageStart).length;

describe('resume mode continues an interrupted ConverseStream (matrix #6)', () => {
  it('continues on the next endpoint without duplicating or losing text', async () => {
    const timers = watchTimers();
    const { sim, ha, sent, failovers, attempts, answer } = await setup();
    sim.faults.add(cutAfter(REGIONS.east, 6));

    const result = await ha.converseStream('haiku', { messages: userMessage(PROMPT) });
    expect(result.servedBy.endpointId).toBe('east');
    const seen: string[] = [];
    let delivered = '';
    const { events, text, error } = await drain(result.stream, (event) => {
      seen.push(result.servedBy.endpointId);
      delivered += converseText(event);
      return converseText(event);
    });

    expect(error).toBeUndefined();
    expect(text).toBe(answer);
    expect(messageStarts(events)).toBe(1);
    expect(events.filter((event) => event.messageStop)).toHaveLength(1);
    expect(result.servedBy.endpointId).toBe('west');
    expect(seen.at(0)).toBe('east');
    expect(seen.at(-1)).toBe('west');
    expect(failovers).toEqual([
      expect.objectContaining({ from: expect.objectContaining({ endpointId: 'east' }), resumed: true }),
    ]);
    expect(failovers[0]?.to?.endpointId).toBe('west');
    expect(failovers[0]?.reason).toBe('network');
    expect(result.attempts.map((attempt) => `${attempt.endpoint.endpointId} ${attempt.outcome}`)).toEqual([
      'east failure',
      'west success',
    ]);
    expect(attempts).toEqual(['east failure', 'west success']);

    // The continuation re-sent the conversation with the delivered text as an assistant prefill.
    expect(sent.map((request) => request.region)).toEqual([REGIONS.east, REGIONS.west]);
    const deliveredBeforeCut = events.slice(0, 6).map(converseText).join('');
    const prefill = lastMessage(sent[1]!.input);
    expect(prefill?.role).toBe('assistant');
    expect(prefill?.content).toEqual([{ text: deliveredBeforeCut.trimEnd() }]);
    expect(sent[1]!.input.messages?.slice(0, -1)).toEqual(userMessage(PROMPT));
    expect(delivered).toBe(answer);

    ha.destroy();
    await sim.close();
    expect(await timers.left()).toEqual([]);
  });

  it("leaves no deadline timer once a resumed stream with a deadline ends (the continuation's clock is disposed)", async () => {
    const timers = watchTimers();
    const { sim, ha, answer } = await setup({ ...CONFIG, deadlineMs: 600_000 });
    sim.faults.add(cutAfter(REGIONS.east, 6));
    const caller = new AbortController();

    const result = await ha.converseStream(
      'haiku',
      { messages: userMessage(PROMPT) },
      { signal: caller.signal },
    );
    const { text, error } = await drain(result.stream, converseText);

    expect(error).toBeUndefined();
    expect(text).toBe(answer);
    expect(result.servedBy.endpointId).toBe('west');
    ha.destroy();
    await sim.close();
    expect(await timers.left()).toEqual([]);
  });

  it('resumes again on a third endpoint when the continuation breaks too', async () => {
    const { sim, ha, sent, failovers, answer } = await setup();
    sim.faults.add(cutAfter(REGIONS.east, 6));
    sim.faults.add(cutAfter(REGIONS.west, 4));

    const result = await ha.converseStream('haiku', { messages: userMessage(PROMPT) });
    const { events, text, error } = await drain(result.stream, converseText);

    expect(error).toBeUndefined();
    expect(text).toBe(answer);
    expect(messageStarts(events)).toBe(1);
    expect(result.servedBy.endpointId).toBe('eu');
    expect(failovers.map((event) => [event.from.endpointId, event.to?.endpointId, event.resumed])).toEqual([
      ['east', 'west', true],
      ['west', 'eu', true],
    ]);
    // The second continuation carries everything delivered so far: east's part and west's.
    const east = events.slice(0, 6).map(converseText).join('');
    const west = events.slice(6, 9).map(converseText).join('');
    expect(lastMessage(sent[2]!.input)?.content).toEqual([{ text: `${east}${west}`.trimEnd() }]);
  });

  it('fails the continuation over before its content like any stream', async () => {
    const { sim, ha, failovers, answer } = await setup();
    sim.faults.add(cutAfter(REGIONS.east, 6));
    sim.faults.add({
      match: { region: REGIONS.west },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });

    const result = await ha.converseStream('haiku', { messages: userMessage(PROMPT) });
    const { text, error } = await drain(result.stream, converseText);

    expect(error).toBeUndefined();
    expect(text).toBe(answer);
    expect(result.servedBy.endpointId).toBe('eu');
    expect(
      failovers.map((event) => [event.from.endpointId, event.to?.endpointId, event.reason, event.resumed]),
    ).toEqual([
      ['east', 'west', 'network', true],
      ['west', 'eu', 'unavailable', false],
    ]);
    expect(result.attempts.map((attempt) => `${attempt.endpoint.endpointId} ${attempt.outcome}`)).toEqual([
      'east failure',
      'west failure',
      'eu success',
    ]);
  });

  it('throws StreamInterruptedError with all the delivered text when no endpoint is left', async () => {
    const { sim, ha, answer, pieces } = await setup();
    for (const region of Object.values(REGIONS)) sim.faults.add(cutAfter(region, 4));

    const result = await ha.converseStream('haiku', { messages: userMessage(PROMPT) });
    const { text, error } = await drain(result.stream, converseText);

    expect(error).toBeInstanceOf(StreamInterruptedError);
    const interrupted = error as StreamInterruptedError;
    expect(interrupted.partialText).toBe(text);
    expect(answer.startsWith(text)).toBe(true);
    // Three endpoints, three text deltas each (messageStart first, dropped on the continuations).
    expect(text).toBe(pieces.slice(0, 9).join(''));
    expect(interrupted.servedBy.endpointId).toBe('eu');
    expect(
      interrupted.attempts.map((attempt) => `${attempt.endpoint.endpointId} ${attempt.outcome}`),
    ).toEqual(['east failure', 'west failure', 'eu failure']);
  });

  it('continues after a prefill of the caller, which comes first in the continuation', async () => {
    const { sim, ha, sent, answer, pieces } = await setup();
    const callerPrefill = pieces.slice(0, 2).join('');
    sim.faults.add(cutAfter(REGIONS.east, 6));

    const messages: Message[] = [
      ...userMessage(PROMPT),
      { role: 'assistant', content: [{ text: callerPrefill }] },
    ];
    const result = await ha.converseStream('haiku', { messages });
    const { events, text, error } = await drain(result.stream, converseText);

    expect(error).toBeUndefined();
    expect(`${callerPrefill}${text}`).toBe(answer);
    const delivered = events.slice(0, 6).map(converseText).join('');
    expect(sent[1]!.input.messages).toEqual([
      ...userMessage(PROMPT),
      { role: 'assistant', content: [{ text: `${callerPrefill}${delivered}`.trimEnd() }] },
    ]);
  });

  it('does not resume when the request says resume: false, though the chain says true', async () => {
    const { sim, ha } = await setup();
    sim.faults.add(cutAfter(REGIONS.east, 6));

    const result = await ha.converseStream('haiku', { messages: userMessage(PROMPT) }, { resume: false });
    const { text, error } = await drain(result.stream, converseText);

    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).partialText).toBe(text);
    expect(outcomesIn(sim, REGIONS.west)).toEqual({});
  });

  it('resumes when the request says resume: true on a chain without it', async () => {
    const { sim, ha, answer } = await setup({
      ...CONFIG,
      chains: { haiku: { ...CONFIG.chains.haiku!, resume: false } },
    });
    sim.faults.add(cutAfter(REGIONS.east, 6));

    const result = await ha.converseStream('haiku', { messages: userMessage(PROMPT) }, { resume: true });
    const { text, error } = await drain(result.stream, converseText);

    expect(error).toBeUndefined();
    expect(text).toBe(answer);
  });

  it('does not resume a stream that broke after its messageStop: nothing is left to say', async () => {
    const { sim, ha } = await setup();
    sim.faults.add(cutAfter(REGIONS.east, 27));

    const result = await ha.converseStream('haiku', { messages: userMessage(PROMPT) });
    const { events, error } = await drain(result.stream, converseText);

    expect(error).toBeUndefined();
    expect(events.filter((event) => event.messageStop)).toHaveLength(1);
    expect(events.filter((event) => event.contentBlockStop)).toHaveLength(1);
    expect(outcomesIn(sim, REGIONS.west)).toEqual({});
  });

  it('never resumes a tool-use stream: a half-sent tool call cannot be stitched', async () => {
    const { sim, ha } = await setup();
    // messageStart, contentBlockStart (toolUse), the input delta, then the cut.
    sim.faults.add(cutAfter(REGIONS.east, 3));

    const result = await ha.converseStream('haiku', {
      messages: userMessage(PROMPT),
      toolConfig: {
        tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }],
        toolChoice: { tool: { name: 'lookup' } },
      },
    });
    const { events, error } = await drain(result.stream, converseText);

    expect(events.some((event) => event.contentBlockStart?.start?.toolUse?.name === 'lookup')).toBe(true);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).partialText).toBe('');
    expect(outcomesIn(sim, REGIONS.west)).toEqual({});
  });
});
