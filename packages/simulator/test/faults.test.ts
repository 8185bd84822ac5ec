import {
  AccessDeniedException,
  type BedrockRuntimeClient,
  ConflictException,
  ConverseCommand,
  ConverseStreamCommand,
  InternalServerException,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ModelErrorException,
  ModelNotReadyException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import {
  type FaultRuleInput,
  type Simulator,
  SimulatorConfigError,
  startSimulator as startUntracked,
} from '../src/index.js';
import {
  anthropicBody,
  drain,
  eventName,
  HAIKU,
  NOVA,
  rejection,
  runtimeClient,
  simulators,
  TRANSPORTS,
  userMessage,
} from './sdk.js';

const startSimulator = simulators();

const PT_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/haikupt00001';
const PROVISIONED = {
  provisionedThroughputs: [{ name: 'haiku-pt', region: 'us-east-1', modelId: HAIKU, id: 'haikupt00001' }],
};

function converse(client: BedrockRuntimeClient, modelId = HAIKU) {
  return client.send(new ConverseCommand({ modelId, messages: userMessage('hello') }));
}

function converseStream(client: BedrockRuntimeClient, modelId = HAIKU) {
  return client.send(new ConverseStreamCommand({ modelId, messages: userMessage('hello') }));
}

/** Sends `count` Converse requests one after another; `ok` or the error name of each. */
async function outcomes(client: BedrockRuntimeClient, count: number, modelId = HAIKU): Promise<string[]> {
  const results: string[] = [];
  for (let index = 0; index < count; index++) {
    results.push(
      await converse(client, modelId).then(
        () => 'ok',
        (error: Error) => error.name,
      ),
    );
  }
  return results;
}

async function simulatorWith(fault: FaultRuleInput, options = {}): Promise<Simulator> {
  return startSimulator({ ...options, faults: [fault] });
}

const THROTTLE = { type: 'error', error: 'ThrottlingException' } as const;

describe('error faults', () => {
  const ERRORS = [
    { error: 'ThrottlingException', type: ThrottlingException, status: 429, fault: 'client' },
    { error: 'ServiceUnavailableException', type: ServiceUnavailableException, status: 503, fault: 'server' },
    { error: 'InternalServerException', type: InternalServerException, status: 500, fault: 'server' },
    { error: 'ModelTimeoutException', type: ModelTimeoutException, status: 408, fault: 'client' },
    { error: 'ModelNotReadyException', type: ModelNotReadyException, status: 429, fault: 'client' },
    { error: 'AccessDeniedException', type: AccessDeniedException, status: 403, fault: 'client' },
    { error: 'ResourceNotFoundException', type: ResourceNotFoundException, status: 404, fault: 'client' },
    { error: 'ModelErrorException', type: ModelErrorException, status: 424, fault: 'client' },
    { error: 'ValidationException', type: ValidationException, status: 400, fault: 'client' },
    {
      error: 'ServiceQuotaExceededException',
      type: ServiceQuotaExceededException,
      status: 400,
      fault: 'client',
    },
    { error: 'ConflictException', type: ConflictException, status: 400, fault: 'client' },
  ] as const;

  describe.each(TRANSPORTS)('over $transport', ({ http1 }) => {
    test.each(ERRORS)(
      '$error reaches the SDK as a typed $status error',
      async ({ error, type, status, fault }) => {
        const sim = await simulatorWith({ fault: { type: 'error', error, message: `injected ${error}` } });
        const thrown = await rejection(converse(runtimeClient(sim, 'us-east-1', { http1 })));

        expect(thrown).toBeInstanceOf(type);
        expect(thrown.name).toBe(error);
        expect(thrown.message).toBe(`injected ${error}`);
        expect(thrown.$metadata?.httpStatusCode).toBe(status);
        expect(thrown.$fault).toBe(fault);
        expect(thrown.$metadata?.requestId).toBe(sim.requests()[0]?.requestId);
        expect(sim.requests()[0]).toMatchObject({ outcome: error, status, faults: ['fault-1'] });
      },
    );
  });

  test('only ModelNotReadyException carries the $retryable trait; ThrottlingException is throttling by status and name', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-east-1');
    const retryable: Record<string, unknown> = {};
    for (const error of [
      'ThrottlingException',
      'ModelNotReadyException',
      'ServiceUnavailableException',
    ] as const) {
      const id = sim.faults.add({ fault: { type: 'error', error } });
      retryable[error] = (await rejection(converse(client))).$retryable;
      sim.faults.remove(id);
    }
    expect(retryable).toEqual({
      ThrottlingException: undefined,
      ModelNotReadyException: {},
      ServiceUnavailableException: undefined,
    });
  });

  test('uses the default Bedrock message when the rule gives none', async () => {
    const sim = await simulatorWith({ fault: THROTTLE });
    const thrown = await rejection(converse(runtimeClient(sim, 'us-east-1')));
    expect(thrown.message).toBe('Too many requests, please wait before trying again.');
  });

  test('with SDK default retries a 500 is retried to 3 attempts and a 400 is not retried', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-east-1', { maxAttempts: 3 });

    sim.faults.add({
      fault: { type: 'error', error: 'InternalServerException' },
      match: { region: 'us-east-1' },
    });
    const internal = await rejection(converse(client));
    sim.faults.clear();
    sim.faults.add({ fault: { type: 'error', error: 'ValidationException' } });
    const validation = await rejection(converse(client));

    expect(internal.$metadata?.attempts).toBe(3);
    expect(validation.$metadata?.attempts).toBe(1);
    expect(sim.requests().map((request) => request.outcome)).toEqual([
      'InternalServerException',
      'InternalServerException',
      'InternalServerException',
      'ValidationException',
    ]);
  });
});

describe('latency faults', () => {
  test('a fixed latency delays the answer by at least that long', async () => {
    const sim = await simulatorWith({ fault: { type: 'latency', ms: 150 } });
    const startedAt = performance.now();
    await converse(runtimeClient(sim, 'us-east-1'));
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(sim.requests()[0]).toMatchObject({ outcome: 'success', faults: ['fault-1'] });
  });

  test('a {min, max} latency delays the answer by at least min', async () => {
    const sim = await simulatorWith({ fault: { type: 'latency', ms: { min: 100, max: 140 } } });
    const startedAt = performance.now();
    await converse(runtimeClient(sim, 'us-east-1', { http1: true }));
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(90);
  });

  test('latencies of several rules add up and delay a stream before its first event', async () => {
    const sim = await startSimulator({
      faults: [
        { fault: { type: 'latency', ms: 60 } },
        { fault: { type: 'latency', ms: { mean: 60, stddev: 0 } } },
      ],
    });
    const startedAt = performance.now();
    await converseStream(runtimeClient(sim, 'us-east-1'));
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(110);
    expect(sim.faults.list().map((rule) => rule.applied)).toEqual([1, 1]);
  });
});

describe.each(TRANSPORTS)('connection faults over $transport', ({ http1 }) => {
  test('hang: the client request timeout ends the call, which the simulator records as hang', async () => {
    const sim = await simulatorWith({ fault: { type: 'hang' } });
    const startedAt = performance.now();
    const thrown = await rejection(converse(runtimeClient(sim, 'us-east-1', { http1, requestTimeout: 150 })));

    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(thrown.name).toBe('TimeoutError');
    expect(thrown.$metadata?.httpStatusCode).toBeUndefined();
    // Over HTTP/2 the SDK's idle timeout fires; over HTTP/1.1 its request timeout (ETIMEDOUT).
    expect(thrown.message).toMatch(
      http1 ? /requestTimeout/ : /Stream timed out because of no activity for 150 ms/,
    );
    await expect.poll(() => sim.requests()[0]?.outcome).toBe('hang');
  });

  test('hang: an abortSignal timer ends the call with an AbortError', async () => {
    const sim = await simulatorWith({ fault: { type: 'hang' } });
    const client = runtimeClient(sim, 'us-east-1', { http1 });
    const thrown = await rejection(
      client.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage('hello') }), {
        abortSignal: AbortSignal.timeout(100),
      }),
    );
    expect(thrown.name).toBe('AbortError');
  });

  test('hang: closing the simulator cuts the hung request and closes promptly', async () => {
    const sim = await simulatorWith({ fault: { type: 'hang' } });
    const call = rejection(converse(runtimeClient(sim, 'us-east-1', { http1 })));
    // The rule counts the request as soon as it arrives, long before it is logged.
    await expect.poll(() => sim.faults.list()[0]?.matched).toBe(1);

    const closingAt = performance.now();
    await sim.close();
    const closeMs = performance.now() - closingAt;
    const thrown = await call;

    expect(closeMs).toBeLessThan(2_000);
    expect(thrown.$metadata?.httpStatusCode).toBeUndefined();
    // close() resolves only after the requests it cut are logged; nothing was sent, so status 0.
    expect(sim.requests()).toEqual([expect.objectContaining({ outcome: 'hang', status: 0 })]);
  });

  test('reset: the call fails with a connection error, never a response', async () => {
    const sim = await simulatorWith({ fault: { type: 'reset' } });
    const thrown = await rejection(converse(runtimeClient(sim, 'us-east-1', { http1 })));

    expect(thrown.$metadata?.httpStatusCode).toBeUndefined();
    // Both surface as TimeoutError, which the SDK's retry strategy treats as transient.
    expect(thrown.name).toBe('TimeoutError');
    if (http1) expect(thrown).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    else expect(thrown.message).toBe('Unexpected error: http2 request did not get a response');
    expect(sim.requests()).toEqual([expect.objectContaining({ outcome: 'reset', status: 0 })]);
  });

  test('reset: with SDK default retries the next attempts reach the simulator', async () => {
    const sim = await simulatorWith({ fault: { type: 'reset' }, when: { requests: [1] } });
    const output = await converse(runtimeClient(sim, 'us-east-1', { http1, maxAttempts: 3 }));

    expect(output.$metadata.attempts).toBe(2);
    expect(sim.requests().map((request) => request.outcome)).toEqual(['reset', 'success']);
  });

  test('stream-cut (reset) after 3 events: the for-await loop throws after exactly 3 events', async () => {
    const sim = await simulatorWith({ fault: { type: 'stream-cut', afterEvents: 3 } });
    const { events, error } = await drain(
      (await converseStream(runtimeClient(sim, 'us-east-1', { http1 }))).stream,
    );

    expect(events.map(eventName)).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta']);
    expect(error).toMatchObject(
      http1
        ? { code: 'ECONNRESET', message: 'aborted' }
        : { code: 'ERR_HTTP2_STREAM_ERROR', message: 'Stream closed with error code NGHTTP2_INTERNAL_ERROR' },
    );
    expect(sim.requests()[0]?.outcome).toBe('stream-cut');
  });

  test('stream-cut (reset) before the first event fails send() itself', async () => {
    const sim = await simulatorWith({ fault: { type: 'stream-cut', afterEvents: 0 } });
    const thrown = await rejection(converseStream(runtimeClient(sim, 'us-east-1', { http1 })));
    expect(thrown.code).toBe(http1 ? 'ECONNRESET' : 'ERR_HTTP2_STREAM_ERROR');
  });

  test('stream-cut (end) after 4 events: the stream ends cleanly without messageStop', async () => {
    const sim = await simulatorWith({ fault: { type: 'stream-cut', afterEvents: 4, mode: 'end' } });
    const { events, error } = await drain(
      (await converseStream(runtimeClient(sim, 'us-east-1', { http1 }))).stream,
    );

    expect(error).toBeUndefined();
    expect(events).toHaveLength(4);
    expect(events.map(eventName)).not.toContain('messageStop');
  });

  test('stream-cut on InvokeModelWithResponseStream delivers the chunks before the cut', async () => {
    const sim = await simulatorWith({ fault: { type: 'stream-cut', afterEvents: 2 } });
    const output = await runtimeClient(sim, 'us-east-1', { http1 }).send(
      new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body: anthropicBody('hello') }),
    );
    const { events, error } = await drain(output.body);
    expect(events).toHaveLength(2);
    expect(error).toBeInstanceOf(Error);
  });
});

describe('malformed faults', () => {
  test('truncated-json: Converse fails to deserialize a 200', async () => {
    const sim = await simulatorWith({ fault: { type: 'malformed', variant: 'truncated-json' } });
    const thrown = await rejection(converse(runtimeClient(sim, 'us-east-1')));

    expect(thrown.name).toBe('SyntaxError');
    expect(thrown.message).toMatch(/Deserialization error/);
    expect(thrown.$metadata?.httpStatusCode).toBe(200);
    expect(sim.requests()[0]?.outcome).toBe('malformed');
  });

  test('truncated-json: InvokeModel hands the truncated body through (the SDK does not parse it)', async () => {
    const sim = await simulatorWith({ fault: { type: 'malformed' } });
    const output = await runtimeClient(sim, 'us-east-1').send(
      new InvokeModelCommand({ modelId: HAIKU, body: anthropicBody('hello') }),
    );
    const text = output.body.transformToString();
    expect(text.startsWith('{"id":"msg_bdrk_')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  test('html: a 502 HTML page fails as a server-side deserialization error', async () => {
    const sim = await simulatorWith({ fault: { type: 'malformed', variant: 'html' } });
    const thrown = await rejection(converse(runtimeClient(sim, 'us-east-1', { http1: true })));

    expect(thrown.name).toBe('SyntaxError');
    expect(thrown.$metadata?.httpStatusCode).toBe(502);
    expect(thrown.message).toMatch(/Unexpected token '<'/);
  });

  test('html: a 502 is retried under SDK defaults', async () => {
    const sim = await simulatorWith({ fault: { type: 'malformed', variant: 'html' }, when: { times: 1 } });
    const output = await converse(runtimeClient(sim, 'us-east-1', { maxAttempts: 3 }));
    expect(output.$metadata.attempts).toBe(2);
  });

  test.each([{ operation: 'ConverseStream' }, { operation: 'InvokeModelWithResponseStream' }] as const)(
    'bad-crc: $operation throws a checksum error from the loop after the first event',
    async ({ operation }) => {
      const sim = await simulatorWith({ fault: { type: 'malformed', variant: 'bad-crc' } });
      const client = runtimeClient(sim, 'us-east-1');
      const stream: AsyncIterable<unknown> | undefined =
        operation === 'ConverseStream'
          ? (await converseStream(client)).stream
          : (
              await client.send(
                new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body: anthropicBody('hi') }),
              )
            ).body;
      const { events, error } = await drain(stream);

      expect(events).toHaveLength(1);
      expect((error as Error).message).toMatch(
        /^The message checksum \(\d+\) did not match the expected value of \d+$/,
      );
    },
  );

  test('truncated-json: ConverseStream throws a SyntaxError from the loop after messageStart', async () => {
    const sim = await simulatorWith({ fault: { type: 'malformed' }, match: { operation: 'ConverseStream' } });
    const { events, error } = await drain((await converseStream(runtimeClient(sim, 'us-east-1'))).stream);

    expect(events.map(eventName)).toEqual(['messageStart']);
    expect(error).toBeInstanceOf(SyntaxError);
  });
});

describe.each(TRANSPORTS)('stream-stall faults over $transport', ({ http1 }) => {
  test('a stall after messageStart: send() returns at once, the first token comes after the stall', async () => {
    const sim = await simulatorWith({ fault: { type: 'stream-stall', afterEvents: 1, ms: 300 } });
    const startedAt = performance.now();
    const output = await converseStream(runtimeClient(sim, 'us-east-1', { http1 }));
    const sentAt = performance.now() - startedAt;
    let firstTokenAt: number | undefined;
    const names: string[] = [];
    for await (const event of output.stream!) {
      names.push(eventName(event));
      if (event.contentBlockDelta && firstTokenAt === undefined) firstTokenAt = performance.now() - startedAt;
    }

    // The stall is what a time-to-first-token timeout must catch: the stream is open, no content flows.
    expect(firstTokenAt).toBeGreaterThanOrEqual(290);
    // Relative, not a wall-clock bound: however slow the machine, send() returned well before content.
    expect(firstTokenAt! - sentAt).toBeGreaterThanOrEqual(150);
    expect(names.at(-1)).toBe('metadata');
    expect(sim.requests()[0]).toMatchObject({ outcome: 'success', faults: [sim.faults.list()[0]!.id] });
  });

  test('a mid-stream stall pauses the stream and loses nothing', async () => {
    const sim = await simulatorWith({ fault: { type: 'stream-stall', afterEvents: 3, ms: 200 } });
    const client = runtimeClient(sim, 'us-east-1', { http1 });
    const expected = await drain((await converseStream(client)).stream);
    sim.faults.clear();
    sim.faults.add({ id: 'fault', fault: { type: 'stream-stall', afterEvents: 3, ms: 200 } });

    const startedAt = performance.now();
    const stalled = await drain((await converseStream(client)).stream);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(stalled).toEqual(expected);
  });

  test('a stall applies to streams only: Converse is neither delayed nor counted', async () => {
    const sim = await simulatorWith({ fault: { type: 'stream-stall', afterEvents: 0, ms: 5_000 } });
    await converse(runtimeClient(sim, 'us-east-1', { http1 }));
    expect(sim.faults.list()[0]).toMatchObject({ matched: 0, applied: 0 });
  });

  test('a caller that gives up during a stall ends the request as aborted', async () => {
    const sim = await simulatorWith({ fault: { type: 'stream-stall', afterEvents: 1, ms: 5_000 } });
    const controller = new AbortController();
    const output = await runtimeClient(sim, 'us-east-1', { http1 }).send(
      new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage('hello') }),
      { abortSignal: controller.signal },
    );
    setTimeout(() => controller.abort(), 100);
    await drain(output.stream);
    await expect.poll(() => sim.requests()[0]?.outcome).toBe('aborted');
  });
});

describe('stream-exception faults', () => {
  test('after 0 events it is thrown from send() as a typed ThrottlingException', async () => {
    const sim = await simulatorWith({
      fault: { type: 'stream-exception', afterEvents: 0, error: 'ThrottlingException', message: 'slow down' },
    });
    const thrown = await rejection(converseStream(runtimeClient(sim, 'us-east-1')));

    expect(thrown).toBeInstanceOf(ThrottlingException);
    expect(thrown.name).toBe('ThrottlingException');
    expect(thrown.message).toBe('slow down');
    expect(thrown.$fault).toBe('client');
    // In-stream exceptions have no HTTP status: the stream itself answered 200.
    expect(thrown.$metadata?.httpStatusCode).toBeUndefined();
    expect(sim.requests()[0]?.outcome).toBe('ThrottlingException');
  });

  test.each(TRANSPORTS)(
    'after 2 events it is thrown from the loop as a ModelStreamErrorException ($transport)',
    async ({ http1 }) => {
      const sim = await simulatorWith({
        fault: { type: 'stream-exception', afterEvents: 2, error: 'ModelStreamErrorException' },
      });
      const { events, error } = await drain(
        (await converseStream(runtimeClient(sim, 'us-east-1', { http1 }))).stream,
      );

      expect(events.map(eventName)).toEqual(['messageStart', 'contentBlockDelta']);
      expect(error).toBeInstanceOf(ModelStreamErrorException);
      expect((error as Error).name).toBe('ModelStreamErrorException');
    },
  );

  test('InvokeModelWithResponseStream raises its own ModelTimeoutException mid-stream', async () => {
    const sim = await simulatorWith({
      fault: { type: 'stream-exception', afterEvents: 1, error: 'ModelTimeoutException' },
    });
    const output = await runtimeClient(sim, 'us-east-1').send(
      new InvokeModelWithResponseStreamCommand({ modelId: HAIKU, body: anthropicBody('hi') }),
    );
    const { events, error } = await drain(output.body);

    expect(events).toHaveLength(1);
    expect(error).toBeInstanceOf(ModelTimeoutException);
  });

  test('an exception ConverseStream does not model (ModelTimeoutException) leaves ConverseStream alone', async () => {
    const sim = await simulatorWith({
      fault: { type: 'stream-exception', afterEvents: 1, error: 'ModelTimeoutException' },
    });
    const { error } = await drain((await converseStream(runtimeClient(sim, 'us-east-1'))).stream);

    expect(error).toBeUndefined();
    expect(sim.faults.list()[0]).toMatchObject({ matched: 0, applied: 0 });
  });

  test('with SDK default retries a first-event throttlingException is retried: 3 requests reach the simulator', async () => {
    const sim = await simulatorWith({
      fault: { type: 'stream-exception', afterEvents: 0, error: 'ThrottlingException' },
    });
    const thrown = await rejection(converseStream(runtimeClient(sim, 'us-east-1', { maxAttempts: 3 })));

    expect(thrown).toBeInstanceOf(ThrottlingException);
    expect(thrown.$metadata?.attempts).toBe(3);
    expect(sim.counters()).toMatchObject([
      { region: 'us-east-1', model: HAIKU, requests: 3, outcomes: { ThrottlingException: 3 } },
    ]);
  });

  test('stream faults neither match nor count non-streaming requests', async () => {
    const sim = await simulatorWith({
      fault: { type: 'stream-cut', afterEvents: 1, mode: 'end' },
      when: { requests: [1] },
    });
    const client = runtimeClient(sim, 'us-east-1');

    await converse(client);
    const { events } = await drain((await converseStream(client)).stream);

    expect(events).toHaveLength(1);
    expect(sim.faults.list()[0]).toMatchObject({ matched: 1, applied: 1 });
  });
});

describe('schedules', () => {
  test('throttles the 2nd and 3rd requests only', async () => {
    const sim = await simulatorWith({ fault: THROTTLE, when: { requests: [2, 3] } });
    expect(await outcomes(runtimeClient(sim, 'us-east-1'), 5)).toEqual([
      'ok',
      'ThrottlingException',
      'ThrottlingException',
      'ok',
      'ok',
    ]);
  });

  test('{from: 2, to: 6, every: 2} throttles requests 2, 4 and 6', async () => {
    const sim = await simulatorWith({ fault: THROTTLE, when: { requests: { from: 2, to: 6, every: 2 } } });
    const results = await outcomes(runtimeClient(sim, 'us-east-1'), 8);
    expect(results.map((result, index) => (result === 'ok' ? 0 : index + 1)).filter(Boolean)).toEqual([
      2, 4, 6,
    ]);
  });

  test('a probability with a fixed seed gives the same pattern in two fresh simulators, another seed another', async () => {
    const rule: FaultRuleInput = { fault: THROTTLE, when: { probability: 0.5 } };
    const pattern = async (seed: number) => {
      const sim = await startSimulator({ seed, faults: [rule] });
      return (await outcomes(runtimeClient(sim, 'us-east-1'), 16))
        .map((result) => (result === 'ok' ? '.' : 'T'))
        .join('');
    };

    const first = await pattern(7);
    const second = await pattern(7);
    const otherSeed = await pattern(8);

    expect(second).toBe(first);
    expect(first).toMatch(/T/);
    expect(first).toMatch(/\./);
    expect(otherSeed).not.toBe(first);
  });

  test('afterMs/forMs: the fault is active only inside its window', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-east-1');
    await outcomes(client, 1); // warm up: the first call of a client is the slowest
    sim.faults.add({ fault: THROTTLE, when: { afterMs: 150, forMs: 300 } });
    const addedAt = performance.now();
    const at = (ms: number) =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, addedAt + ms - performance.now())));

    const before = await outcomes(client, 1);
    await at(300);
    const inside = await outcomes(client, 1);
    await at(600);
    const after = await outcomes(client, 1);

    expect([before, inside, after].flat()).toEqual(['ok', 'ThrottlingException', 'ok']);
    expect(sim.faults.list()[0]).toMatchObject({ matched: 3, applied: 1 });
  });

  test('times: 2 applies the fault twice, then never again', async () => {
    const sim = await simulatorWith({ fault: THROTTLE, when: { times: 2 } });
    expect(await outcomes(runtimeClient(sim, 'us-east-1'), 4)).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ok',
      'ok',
    ]);
    expect(sim.faults.list()[0]).toMatchObject({ matched: 4, applied: 2 });
  });
});

describe('matching', () => {
  test('by region: only us-west-2 is throttled', async () => {
    const sim = await simulatorWith({ fault: THROTTLE, match: { region: 'us-west-2' } });
    expect(await outcomes(runtimeClient(sim, 'us-east-1'), 1)).toEqual(['ok']);
    expect(await outcomes(runtimeClient(sim, 'us-west-2'), 1)).toEqual(['ThrottlingException']);
    expect(await outcomes(runtimeClient(sim, 'eu-west-1'), 1)).toEqual(['ok']);
  });

  test('by operation: ConverseStream fails while Converse answers', async () => {
    const sim = await simulatorWith({ fault: THROTTLE, match: { operation: ['ConverseStream'] } });
    const client = runtimeClient(sim, 'us-east-1');

    await expect(converse(client)).resolves.toBeDefined();
    await expect(converseStream(client)).rejects.toBeInstanceOf(ThrottlingException);
  });

  test('by Provisioned Throughput name: the PT ARN is faulted, the same model on demand is not', async () => {
    const sim = await simulatorWith({ fault: THROTTLE, match: { model: 'haiku-pt' } }, PROVISIONED);
    const client = runtimeClient(sim, 'us-east-1');

    expect(await outcomes(client, 1, PT_ARN)).toEqual(['ThrottlingException']);
    expect(await outcomes(client, 1, HAIKU)).toEqual(['ok']);
  });

  test('by glob: *haiku* matches the model id, its profile and its PT, and not Nova', async () => {
    const sim = await simulatorWith({ fault: THROTTLE, match: { model: '*haiku*' } }, PROVISIONED);
    const client = runtimeClient(sim, 'us-east-1');

    expect(await outcomes(client, 1, HAIKU)).toEqual(['ThrottlingException']);
    expect(await outcomes(client, 1, `us.${HAIKU}`)).toEqual(['ThrottlingException']);
    expect(await outcomes(client, 1, PT_ARN)).toEqual(['ThrottlingException']);
    expect(await outcomes(client, 1, NOVA)).toEqual(['ok']);
  });

  test('by profile id: us.* matches inference profiles and not the on-demand model', async () => {
    const sim = await simulatorWith({ fault: THROTTLE, match: { model: 'us.*' } });
    const client = runtimeClient(sim, 'us-east-1');

    expect(await outcomes(client, 1, `us.${HAIKU}`)).toEqual(['ThrottlingException']);
    expect(await outcomes(client, 1, HAIKU)).toEqual(['ok']);
  });
});

describe('rules at run time', () => {
  test('faults added and removed while running take effect on the next request', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-east-1');

    const before = await outcomes(client, 1);
    const id = sim.faults.add({ id: 'throttle-all', fault: THROTTLE });
    const during = await outcomes(client, 2);
    expect(sim.faults.remove(id)).toBe(true);
    const after = await outcomes(client, 1);

    expect(id).toBe('throttle-all');
    expect([before, during, after].flat()).toEqual([
      'ok',
      'ThrottlingException',
      'ThrottlingException',
      'ok',
    ]);
    expect(sim.faults.remove(id)).toBe(false);
  });

  test('clear() removes every rule', async () => {
    const sim = await startSimulator({ faults: [{ fault: THROTTLE }, { fault: { type: 'reset' } }] });
    sim.faults.clear();
    expect(sim.faults.list()).toEqual([]);
    expect(await outcomes(runtimeClient(sim, 'us-east-1'), 1)).toEqual(['ok']);
  });

  test('list() reports matched and applied counts per rule', async () => {
    const sim = await startSimulator({
      faults: [
        { id: 'second', fault: THROTTLE, when: { requests: [2] } },
        { id: 'streams', fault: THROTTLE, match: { operation: 'ConverseStream' } },
        { id: 'slow', fault: { type: 'latency', ms: 1 } },
      ],
    });
    await outcomes(runtimeClient(sim, 'us-east-1'), 3);

    expect(sim.faults.list().map(({ id, matched, applied }) => ({ id, matched, applied }))).toEqual([
      { id: 'second', matched: 3, applied: 1 },
      { id: 'streams', matched: 0, applied: 0 },
      { id: 'slow', matched: 3, applied: 3 },
    ]);
    expect(sim.faults.list()[0]).toMatchObject({ fault: THROTTLE, when: { requests: [2] }, match: {} });
  });

  test('the first error rule wins when two apply to the same request', async () => {
    const sim = await startSimulator({
      faults: [
        { id: 'a', fault: THROTTLE },
        { id: 'b', fault: { type: 'error', error: 'InternalServerException' } },
      ],
    });
    expect(await outcomes(runtimeClient(sim, 'us-east-1'), 1)).toEqual(['ThrottlingException']);
    expect(sim.faults.list().map((rule) => rule.applied)).toEqual([1, 0]);
  });
});

describe('invalid rules', () => {
  test('faults.add throws a SimulatorConfigError that names the bad path', async () => {
    const sim = await startSimulator();
    const invalid = { fault: { type: 'error', error: 'NoSuchException' } } as unknown as FaultRuleInput;

    expect(() => sim.faults.add(invalid)).toThrow(SimulatorConfigError);
    expect(() => sim.faults.add(invalid)).toThrow(/fault\.error/);
    expect(() => sim.faults.add({ fault: THROTTLE, when: { requests: [] } })).toThrow(/when\.requests/);
    expect(() => sim.faults.add({ fault: THROTTLE, when: { probability: 2 } })).toThrow(/when\.probability/);
    expect(() => sim.faults.add({ fault: { type: 'stream-cut', afterEvents: -1 } })).toThrow(
      /fault\.afterEvents/,
    );
    expect(() => sim.faults.add({ fault: THROTTLE, when: { requests: { from: 5, to: 2 } } })).toThrow(
      /when\.requests\.to: must be at least from/,
    );
    expect(() => sim.faults.add({ fault: { type: 'latency', ms: { min: 50, max: 10 } } })).toThrow(
      /fault\.ms\.max: must be at least min/,
    );
    expect(sim.faults.list()).toEqual([]);
  });

  test('a duplicate rule id is a SimulatorConfigError', async () => {
    const sim = await startSimulator();
    sim.faults.add({ id: 'same', fault: THROTTLE });
    expect(() => sim.faults.add({ id: 'same', fault: THROTTLE })).toThrow(SimulatorConfigError);
  });

  test('startSimulator rejects an invalid rule in options, naming faults.0.fault.error', async () => {
    const invalid = [{ fault: { type: 'error', error: 'Oops' } }] as unknown as FaultRuleInput[];
    await expect(startUntracked({ faults: invalid })).rejects.toThrow(SimulatorConfigError);
    await expect(startUntracked({ faults: invalid })).rejects.toThrow(/faults\.0\.fault\.error/);
  });
});
