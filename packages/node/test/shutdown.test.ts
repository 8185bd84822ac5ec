import { once } from 'node:events';
import http2 from 'node:http2';
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import {
  bedrockClient,
  eventually,
  harness,
  openaiClient,
  outcomesIn,
  SIMULATOR,
  userMessage,
  watchTimers,
} from './harness.js';

const test = harness();
/** Streams of about 2 s: 40 tokens at 20 a second. */
const SLOW = { ...SIMULATOR, models: { '*': { tokensPerSecond: 20, outputTokens: 40 } } };

async function refused(url: string): Promise<string | undefined> {
  try {
    await fetch(`${url}/healthz`);
    return undefined;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code;
  }
}

describe('graceful shutdown', () => {
  it('lets streams in flight finish, refuses new connections, then stops', async () => {
    const timers = watchTimers();
    const sim = await test.simulator(SLOW);
    const { server, log } = await test.server(sim, { shutdownTimeoutMs: 30_000 });
    const openai = openaiClient(server.url);
    const bedrock = bedrockClient(server.url);
    test.defer(() => bedrock.destroy());

    const openaiStream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'tell me about failover' }],
      stream: true,
    });
    const openaiDone = (async () => {
      let text = '';
      let finish: string | null | undefined;
      for await (const chunk of openaiStream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish ??= chunk.choices[0]?.finish_reason;
      }
      return { text, finish };
    })();
    const bedrockStream = await bedrock.send(
      new ConverseStreamCommand({ modelId: 'chat', messages: userMessage('tell me about failover') }),
    );
    const bedrockDone = (async () => {
      let text = '';
      let stopReason: string | undefined;
      for await (const event of bedrockStream.stream ?? []) {
        text += event.contentBlockDelta?.delta?.text ?? '';
        stopReason ??= event.messageStop?.stopReason;
      }
      return { text, stopReason };
    })();

    // An idle HTTP/2 session, as a client keeps between requests: the shutdown tells it to go.
    const idle = http2.connect(server.url);
    idle.on('error', () => {});
    test.defer(() => {
      idle.destroy();
    });
    await once(idle, 'remoteSettings');
    const goaway = once(idle, 'goaway');

    const closing = server.close();
    await eventually(() => log.events('shutdown').length === 1, 5_000, 'the shutdown log line');
    expect(log.events('shutdown')[0]).toMatchObject({ inFlight: 2 });
    expect(await refused(server.url)).toBe('ECONNREFUSED');
    const [code] = (await goaway) as [number];
    expect(code).toBe(http2.constants.NGHTTP2_NO_ERROR);
    await once(idle, 'close');

    const [openaiResult, bedrockResult] = await Promise.all([openaiDone, bedrockDone]);
    expect(openaiResult.finish, 'the stream reached its end').toBeTruthy();
    expect(openaiResult.text.split(' ').length).toBeGreaterThan(20);
    expect(bedrockResult.stopReason, 'the stream reached messageStop').toBeTruthy();
    expect(bedrockResult.text.split(' ').length).toBeGreaterThan(20);
    await closing;
    expect(log.events('shutdown-timeout')).toEqual([]);
    expect(log.events('stopped')).toHaveLength(1);
    expect(outcomesIn(sim, 'us-east-1')).toEqual({ success: 2 });
    bedrock.destroy();
    await sim.close();
    expect(await timers.left(), 'timers left running after the shutdown').toEqual([]);
  });

  it('cuts the requests still running at the shutdown timeout and aborts their upstream calls', async () => {
    const timers = watchTimers();
    const sim = await test.simulator({
      ...SIMULATOR,
      models: { '*': { tokensPerSecond: 20, outputTokens: 2_000 } },
    });
    // 2 s: the drain gets 1.5 s, the cut requests' access-log lines the rest.
    const { server, log } = await test.server(sim, { shutdownTimeoutMs: 2_000 });
    const stream = await openaiClient(server.url).chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'tell me a very long story' }],
      stream: true,
    });
    // Settled as soon as the cut comes, which is before close() resolves: a rejection left
    // unhandled until then would be reported as such.
    const reading = (async () => {
      for await (const _chunk of stream);
    })().then(
      () => 'finished',
      (error: unknown) => error,
    );
    const bedrock = bedrockClient(server.url);
    test.defer(() => bedrock.destroy());
    const bedrockStream = await bedrock.send(
      new ConverseStreamCommand({ modelId: 'chat', messages: userMessage('tell me a very long story') }),
    );
    const bedrockReading = (async () => {
      let stopReason: string | undefined;
      for await (const event of bedrockStream.stream ?? []) stopReason ??= event.messageStop?.stopReason;
      return stopReason;
    })().catch((error: unknown) => error);
    await server.close();
    expect(await reading, 'the OpenAI stream was cut').toBeInstanceOf(Error);
    // Cut: an error, or at least no messageStop (the SDK may end a reset stream quietly).
    expect(await bedrockReading, 'no stopReason: the stream was cut').not.toBeTypeOf('string');
    expect(log.events('shutdown-timeout')[0]).toMatchObject({ cut: 2, shutdownTimeoutMs: 2_000 });
    // Each cut request logged its own line before the server said it stopped, saying it was cut.
    const events = log.lines.map((line) => line.event);
    expect(events.slice(events.indexOf('shutdown-timeout'))).toEqual([
      'shutdown-timeout',
      'request',
      'request',
      'stopped',
    ]);
    expect(log.events('request').map((line) => [line.route, line.outcome, line.error])).toEqual(
      expect.arrayContaining([
        ['POST /v1/chat/completions', 'cut-by-shutdown', expect.objectContaining({ name: 'ShutdownCut' })],
        [
          'POST /model/{chain}/converse-stream',
          'cut-by-shutdown',
          expect.objectContaining({ name: 'ShutdownCut' }),
        ],
      ]),
    );
    await eventually(() => outcomesIn(sim, 'us-east-1').aborted === 2, 10_000, 'the upstream calls aborted');
    bedrock.destroy();
    await sim.close();
    expect(await timers.left(), 'timers left running after the shutdown').toEqual([]);
  });
});
