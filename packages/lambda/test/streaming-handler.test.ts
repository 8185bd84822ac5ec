import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createStreamingHandler } from '../src/index.js';
import { eventStreamMessages } from './event-stream-frames.js';
import {
  HAIKU,
  haikuConfig,
  httpEvent,
  lambdaContext,
  lambdaHarness,
  PT_ARN,
  recordingLogger,
  TOKYO_PROMPT,
  throttlePt,
} from './harness.js';
import { isStreamingHandler, lambdaRuntime, RecordingResponseStream } from './lambda-runtime-emulator.js';

const test = lambdaHarness();
const converseBody = { messages: [{ role: 'user', content: [{ text: 'Tell me about failover.' }] }] };
/** Haiku paced like a model: 30 tokens at 100 a second, each its own stream event. */
const PACED = { models: { [HAIKU]: { tokensPerSecond: 100, outputTokens: 30 } } };

describe('createStreamingHandler (Function URL, RESPONSE_STREAM)', () => {
  it('sends SSE frames as separate writes after the prelude, failing over from a throttled PT', async () => {
    const sim = await test.simulator(PACED);
    throttlePt(sim);
    const { entries, logger } = recordingLogger();
    const handler = test.track(
      createStreamingHandler({ config: haikuConfig(sim), runtime: lambdaRuntime, logger }),
    );
    const stream = new RecordingResponseStream();
    const event = httpEvent('/v1/chat/completions', {
      model: 'claude-haiku',
      stream: true,
      messages: [{ role: 'user', content: 'Tell me about failover.' }],
    });

    await handler(event, stream, lambdaContext());

    expect(isStreamingHandler(handler)).toBe(true);
    expect(stream.contentType).toBe('application/vnd.awslambda.http-integration-response');
    const { prelude, delimiter, body } = stream.parse();
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers?.['content-type']).toMatch(/^text\/event-stream/);
    expect(prelude.headers?.['x-bedrock-ha-endpoint']).toBe('haiku-west');
    expect(delimiter).toBe(true);
    const frames = body.map((chunk) => chunk.toString('utf8'));
    expect(frames.length).toBeGreaterThan(3);
    for (const frame of frames) expect(frame).toMatch(/^data: .*\n\n$/s);
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
    const text = frames
      .slice(0, -1)
      .map((frame) => JSON.parse(frame.slice('data: '.length)).choices[0]?.delta?.content ?? '')
      .join('');
    expect(text.length).toBeGreaterThan(20);
    // Written as the model produced them (30 tokens at 100/s), not all at once at the end.
    expect(stream.writes.at(-1)!.at - stream.writes[2]!.at).toBeGreaterThan(150);
    expect(stream.writableFinished).toBe(true);
    expect(entries).toMatchObject([{ route: 'POST /v1/chat/completions', status: 200, attempts: 2 }]);
  });

  it('sends each Bedrock event-stream message as its own write, in Bedrock order', async () => {
    const sim = await test.simulator();
    throttlePt(sim);
    const handler = test.track(
      createStreamingHandler({ config: haikuConfig(sim), runtime: lambdaRuntime, logger: false }),
    );
    const stream = new RecordingResponseStream();

    await handler(httpEvent('/model/claude-haiku/converse-stream', converseBody), stream, lambdaContext());

    const { prelude, body } = stream.parse();
    expect(prelude).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-bedrock-ha-region': 'us-west-2' },
    });
    // Each write holds whole messages (the parser throws on a cut one), one event per write.
    const perWrite = body.map((chunk) => eventStreamMessages(chunk));
    for (const messages of perWrite) expect(messages).toHaveLength(1);
    const types = perWrite.map((messages) => messages[0]?.type);
    expect(types[0]).toBe('messageStart');
    expect(types.filter((type) => type === 'contentBlockDelta').length).toBeGreaterThan(2);
    expect(types.slice(-2)).toEqual(['messageStop', 'metadata']);
  });

  it('pulls the next chunk only once the client has taken the last (backpressure)', async () => {
    const sim = await test.simulator();
    const handler = test.track(
      createStreamingHandler({ config: haikuConfig(sim), runtime: lambdaRuntime, logger: false }),
    );
    const stream = new RecordingResponseStream(1);
    stream.hold();
    const event = httpEvent('/model/claude-haiku/converse-stream', converseBody);

    const done = handler(event, stream, lambdaContext());
    while (stream.writes.length < 3) await sleep(10);
    // The client takes nothing: the prelude, the delimiter and the first event went out, and
    // nothing more is written however long the upstream keeps producing.
    await sleep(400);
    expect(stream.writes).toHaveLength(3);
    stream.release();
    await done;

    const types = stream.parse().body.map((chunk) => eventStreamMessages(chunk)[0]?.type);
    expect(types.at(0)).toBe('messageStart');
    expect(types.at(-1)).toBe('metadata');
  });

  it('stops reading the upstream stream when the client goes away', async () => {
    const sim = await test.simulator({ models: { [HAIKU]: { tokensPerSecond: 20, outputTokens: 200 } } });
    const handler = test.track(
      createStreamingHandler({ config: haikuConfig(sim), runtime: lambdaRuntime, logger: false }),
    );
    const stream = new RecordingResponseStream(1);
    stream.hold();

    const done = handler(
      httpEvent('/model/claude-haiku/converse-stream', converseBody),
      stream,
      lambdaContext(),
    );
    while (stream.writes.length < 3) await sleep(10);
    stream.destroy();
    await done;

    expect(stream.writes).toHaveLength(3);
    // The 10-second answer was cut off upstream, and the engine released the endpoint.
    await expect
      .poll(() => sim.counters({ region: 'us-east-1' }).map((counter) => counter.outcomes))
      .toEqual([{ aborted: 1 }]);
    expect(handler.engine.health().every((endpoint) => endpoint.active === 0)).toBe(true);
  });

  it('ends a stream cut by the invocation running out of time with a timeout frame, logged as failed', async () => {
    const sim = await test.simulator(PACED);
    // The first token arrives, then the model stalls far past the invocation's end.
    sim.faults.add({
      match: { model: PT_ARN },
      fault: { type: 'stream-stall', afterEvents: 2, ms: 30_000 },
    });
    const { entries, logger } = recordingLogger();
    const handler = test.track(
      createStreamingHandler({ config: haikuConfig(sim), runtime: lambdaRuntime, logger }),
    );
    const stream = new RecordingResponseStream();
    const event = httpEvent('/v1/chat/completions', {
      model: 'claude-haiku',
      stream: true,
      messages: [{ role: 'user', content: 'Tell me about failover.' }],
    });

    // 2.5 s left with the default 1 s margin: the stream is stopped 2 s in.
    await handler(event, stream, lambdaContext(2500));

    const { prelude, body } = stream.parse();
    expect(prelude.statusCode).toBe(200);
    const frames = body.map((chunk) => chunk.toString('utf8'));
    const last = JSON.parse(frames.at(-1)!.replace(/^data: /, ''));
    expect(last.error).toMatchObject({ code: 'deadline_exceeded' });
    expect(last.error.message).toMatch(/raise the function's timeout/);
    expect(entries).toMatchObject([
      {
        level: 'ERROR',
        outcome: 'failed',
        status: 200,
        error: { name: 'InvocationTimeoutError', message: expect.stringMatching(/about to time out/) },
      },
    ]);
  });

  it('aborts the upstream call when the client goes away before the first token', async () => {
    const sim = await test.simulator();
    // The model stalls before any content: there is no response to write to yet.
    sim.faults.add({
      match: { model: PT_ARN },
      fault: { type: 'stream-stall', afterEvents: 1, ms: 60_000 },
    });
    const { entries, logger } = recordingLogger();
    const handler = test.track(
      createStreamingHandler({ config: haikuConfig(sim), runtime: lambdaRuntime, logger }),
    );
    const stream = new RecordingResponseStream();

    const done = handler(
      httpEvent('/model/claude-haiku/converse-stream', converseBody),
      stream,
      lambdaContext(),
    );
    // Destroyed once the simulator holds the request (it is streaming, stalled).
    await expect
      .poll(() => Object.values(sim.capacity()).some((limiter) => limiter.inFlight > 0), { timeout: 10_000 })
      .toBe(true);
    stream.destroy();
    await done;

    // Well before the engine's own 20 s first-token timeout, and without failing over.
    await expect
      .poll(() => sim.counters().map((counter) => [counter.model, counter.outcomes]), { timeout: 8000 })
      .toEqual([[PT_ARN, { aborted: 1 }]]);
    expect(handler.engine.health().every((endpoint) => endpoint.active === 0)).toBe(true);
    expect(entries).toMatchObject([{ level: 'INFO', outcome: 'client-closed' }]);
  });

  it('sends an error response whole, with its status in the prelude', async () => {
    const sim = await test.simulator();
    const handler = test.track(
      createStreamingHandler({ config: haikuConfig(sim), runtime: lambdaRuntime, logger: false }),
    );
    const stream = new RecordingResponseStream();
    const event = httpEvent('/v1/chat/completions', {
      model: 'no-such-chain',
      stream: true,
      messages: [{ role: 'user', content: TOKYO_PROMPT }],
    });

    await handler(event, stream, lambdaContext());

    const { prelude, delimiter, body } = stream.parse();
    expect(prelude.statusCode).toBe(404);
    expect(delimiter).toBe(true);
    expect(JSON.parse(Buffer.concat(body).toString('utf8')).error.message).toContain('claude-haiku');
  });

  it('throws InvalidEventError for a malformed HTTP event, before writing anything', async () => {
    const sim = await test.simulator();
    const handler = test.track(
      createStreamingHandler({ config: haikuConfig(sim), runtime: lambdaRuntime, logger: false }),
    );
    const stream = new RecordingResponseStream();
    const event = { ...httpEvent('/v1/chat/completions', ''), cookies: 'session=abc' };

    await expect(handler(event, stream, lambdaContext())).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringContaining('"cookies" must be a list of strings, got a string'),
    });
    expect(sim.requests()).toEqual([]);
  });

  it('fails with a clear error when invoked outside the Lambda runtime', async () => {
    const sim = await test.simulator();
    const handler = test.track(createStreamingHandler({ config: haikuConfig(sim), logger: false }));

    await expect(
      handler(httpEvent('/healthz', ''), new RecordingResponseStream(), lambdaContext()),
    ).rejects.toThrow(/awslambda.*global/);
  });
});
