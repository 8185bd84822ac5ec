import { describe, expect, it } from 'vitest';
import type { GatewayResponse } from '../src/index.js';
import {
  chunks,
  decodeEventStream,
  gatewayHarness,
  json,
  post,
  SIMULATOR,
  sseData,
  TOKYO_PROMPT,
} from './harness.js';

// What the Lambda adapter aborts with when the invocation's time runs out.
class InvocationTimeoutError extends Error {
  override readonly name = 'InvocationTimeoutError';
}

const start = gatewayHarness();
const TIMEOUT_MESSAGE = 'The Lambda invocation ran out of time (1200 ms left at the start)';
const slow = { ...SIMULATOR, models: { '*': { tokensPerSecond: 20, outputTokens: 40 } } };
const ask = (extra: Record<string, unknown> = {}) => ({
  model: 'claude',
  messages: [{ role: 'user', content: 'Tell me about failover.' }],
  ...extra,
});

/** Aborts with a timeout reason once the upstream call is underway (well before its 30 s latency). */
function timeoutAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new InvocationTimeoutError(TIMEOUT_MESSAGE)), ms);
  return controller.signal;
}

/** Pulls a stream body to its end, aborting `controller` after the first chunk. */
async function readAborting(response: GatewayResponse, abort: () => void): Promise<Uint8Array[]> {
  const iterator = (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const received: Uint8Array[] = [];
  for (let result = await iterator.next(); !result.done; result = await iterator.next()) {
    if (received.length === 0) abort();
    received.push(result.value);
  }
  return received;
}

describe('a request aborted by a deadline is a timeout, not a client disconnect', () => {
  it('an abort whose reason is a TimeoutError is a 408 deadline_exceeded with its message', async () => {
    const { gateway, sim, logs } = await start();
    sim.faults.add({ match: {}, fault: { type: 'latency', ms: 30_000 } });
    const openai = await gateway.handle({
      ...post('/v1/chat/completions', ask()),
      signal: timeoutAfter(500),
    });
    expect(openai.status).toBe(408);
    expect(json(openai).error).toEqual({
      type: 'timeout',
      code: 'deadline_exceeded',
      param: null,
      message: TIMEOUT_MESSAGE,
    });
    const bedrock = await gateway.handle({
      ...post('/model/claude/converse', { messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      signal: timeoutAfter(500),
    });
    expect(bedrock.status).toBe(408);
    expect(bedrock.headers['x-amzn-errortype']).toBe('ModelTimeoutException');
    expect(json(bedrock).message).toBe(TIMEOUT_MESSAGE);
    expect(logs).toEqual([
      expect.objectContaining({
        status: 408,
        outcome: 'failed',
        error: { name: 'InvocationTimeoutError', message: TIMEOUT_MESSAGE },
      }),
      expect.objectContaining({ status: 408, outcome: 'failed' }),
    ]);
  });

  it('AbortSignal.timeout() is a timeout too', async () => {
    const { gateway, sim } = await start();
    sim.faults.add({ match: {}, fault: { type: 'latency', ms: 30_000 } });
    const response = await gateway.handle({
      ...post('/v1/chat/completions', ask()),
      signal: AbortSignal.timeout(500),
    });
    expect(response.status).toBe(408);
    expect(json(response).error.code).toBe('deadline_exceeded');
  });

  it('a stream timed out after content ends with a deadline_exceeded error frame, logged as failed', async () => {
    const { gateway, logs } = await start({ simulator: slow });
    const controller = new AbortController();
    const response = await gateway.handle({
      ...post('/v1/chat/completions', ask({ stream: true })),
      signal: controller.signal,
    });
    const received = await readAborting(response, () =>
      controller.abort(new InvocationTimeoutError(TIMEOUT_MESSAGE)),
    );
    const events = sseData(received);
    expect(events).not.toContain('[DONE]');
    expect(events.at(-1).error).toMatchObject({
      type: 'timeout',
      code: 'deadline_exceeded',
      message: TIMEOUT_MESSAGE,
    });
    expect(logs).toEqual([
      expect.objectContaining({
        status: 200,
        outcome: 'failed',
        error: { name: 'InvocationTimeoutError', message: TIMEOUT_MESSAGE },
      }),
    ]);
  });

  it('a Bedrock event stream timed out after content ends with an exception the SDK raises, not a 499', async () => {
    const { gateway, logs } = await start({ simulator: slow });
    const controller = new AbortController();
    const response = await gateway.handle({
      ...post('/model/claude/invoke-with-response-stream', {
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 200,
        messages: [{ role: 'user', content: 'Tell me about failover.' }],
      }),
      signal: controller.signal,
    });
    const messages = decodeEventStream(
      await readAborting(response, () => controller.abort(new InvocationTimeoutError(TIMEOUT_MESSAGE))),
    );
    expect(messages.at(-1)).toEqual({
      headers: expect.objectContaining({
        ':message-type': 'exception',
        ':exception-type': 'modelTimeoutException',
      }),
      body: { message: TIMEOUT_MESSAGE },
    });
    expect(logs).toEqual([expect.objectContaining({ status: 200, outcome: 'failed' })]);
  });

  it('the log tells a completed stream from one the client left', async () => {
    const { gateway, logs } = await start({ simulator: slow });
    await chunks(
      await gateway.handle(
        post(
          '/v1/chat/completions',
          ask({ stream: true, messages: [{ role: 'user', content: TOKYO_PROMPT }] }),
        ),
      ),
    );
    const controller = new AbortController();
    const left = await gateway.handle({
      ...post('/v1/chat/completions', ask({ stream: true })),
      signal: controller.signal,
    });
    await readAborting(left, () => controller.abort());
    expect(logs.map((entry) => [entry.status, entry.outcome])).toEqual([
      [200, 'completed'],
      [200, 'client-closed'],
    ]);
  });
});
