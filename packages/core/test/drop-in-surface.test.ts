import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { AllEndpointsFailedError, type BedrockHAOptions, DeadlineExceededError } from '../src/index.js';
import { recordingClientFactory } from './drop-in-wire.js';
import {
  CREDENTIALS,
  converseText,
  drain,
  HAIKU,
  haikuPt,
  harness,
  ptArn,
  rejection,
  TOKYO_PROMPT,
  userMessage,
} from './harness.js';

const { simulator, engine } = harness({ checkTimers: true });
const PT = ptArn('us-east-1', 'surfacept001');
const CONVERSE = () => new ConverseCommand({ modelId: 'haiku', messages: userMessage(TOKYO_PROMPT) });

async function setup(options: BedrockHAOptions = {}) {
  const sim = await simulator({ provisionedThroughputs: [haikuPt('us-east-1', 'surfacept001')] });
  const ha = engine(
    sim,
    {
      chains: {
        haiku: {
          endpoints: [
            { id: 'pt', modelId: PT },
            { id: 'west', region: 'us-west-2', modelId: HAIKU, policy: { retry: { maxAttempts: 1 } } },
          ],
        },
      },
    },
    options,
  );
  return { sim, ha };
}

/** A build-step middleware that sets a header, as LangChain's `defaultHeaders` does. */
function headerMiddleware(name: string, value: string) {
  return (next: (args: never) => Promise<never>) => async (args: { request: { headers: object } }) => {
    Object.assign(args.request.headers, { [name]: value });
    return next(args as never);
  };
}

describe('ha.client, the surface libraries use', () => {
  it('is a BedrockRuntimeClient whose config is the SDK-resolved config of the first endpoint', async () => {
    const { sim, ha } = await setup();

    expect(ha.client).toBeInstanceOf(BedrockRuntimeClient);
    expect(Object.keys(ha.client)).toEqual(expect.arrayContaining(['config', 'middlewareStack']));
    expect(await ha.client.config.region()).toBe('us-east-1');
    expect(await ha.client.config.maxAttempts()).toBe(1);
    expect(await ha.client.config.credentials()).toMatchObject({
      accessKeyId: CREDENTIALS.accessKeyId,
    });
    expect(await ha.client.config.endpoint?.()).toMatchObject({ hostname: new URL(sim.url).hostname });
    expect(ha.client.middlewareStack.identify()).toEqual([]);
  });

  it("runs middleware added to its middlewareStack, and to the command's, on every attempt's real request", async () => {
    const wire = recordingClientFactory();
    const { sim, ha } = await setup({ clientFactory: wire.factory });
    sim.faults.add({ match: { model: PT }, fault: { type: 'error', error: 'ThrottlingException' } });
    const modelIds: unknown[] = [];
    ha.client.middlewareStack.add(headerMiddleware('x-app-tag', 'checkout') as never, {
      step: 'build',
      name: 'appTag',
    });
    ha.client.middlewareStack.add(
      ((next: (args: { input: { modelId?: string } }) => Promise<unknown>) =>
        (args: { input: { modelId?: string } }) => {
          modelIds.push(args.input.modelId);
          return next(args);
        }) as never,
      { step: 'initialize', name: 'seeModelId' },
    );
    const command = CONVERSE();
    command.middlewareStack.add(headerMiddleware('x-command-tag', 'one') as never, { step: 'build' });

    const answer = await ha.client.send(command);

    expect(answer.servedBy.endpointId).toBe('west');
    expect(modelIds).toEqual([PT, HAIKU]);
    expect(
      wire.wire.map(({ region, headers, signedHeaders }) => [
        region,
        headers['x-app-tag'],
        headers['x-command-tag'],
        signedHeaders.includes('x-app-tag'),
      ]),
    ).toEqual([
      ['us-east-1', 'checkout', 'one', true],
      ['us-west-2', 'checkout', 'one', true],
    ]);

    // A stream's attempts carry it too; the engine's own API, and other commands, do not.
    wire.wire.length = 0;
    const stream = await ha.client.send(
      new ConverseStreamCommand({ modelId: 'haiku', messages: userMessage(TOKYO_PROMPT) }),
    );
    expect((await drain(stream.stream, converseText)).text).toBe('Tokyo');
    await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) });
    expect(wire.wire.map(({ headers }) => [headers['x-app-tag'], headers['x-command-tag']])).toEqual([
      ['checkout', undefined],
      ['checkout', undefined],
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });

  it('takes the same per-attempt middleware as a request option of the engine methods', async () => {
    const wire = recordingClientFactory();
    const { sim, ha } = await setup({ clientFactory: wire.factory });
    sim.faults.add({ match: { model: PT }, fault: { type: 'error', error: 'ThrottlingException' } });

    await ha.converse(
      'haiku',
      { messages: userMessage(TOKYO_PROMPT) },
      {
        middleware: {
          applyToStack: (stack) =>
            stack.add(headerMiddleware('x-request-tag', 'r1') as never, {
              step: 'build',
              name: 'requestTag',
            }),
        },
      },
    );

    expect(wire.wire.map(({ region, headers }) => [region, headers['x-request-tag']])).toEqual([
      ['us-east-1', 'r1'],
      ['us-west-2', 'r1'],
    ]);
  });

  it("rejects with the last endpoint's ThrottlingException, carrying the chain's attempts, when every endpoint throttles", async () => {
    const { sim, ha } = await setup();
    sim.faults.add({ match: {}, fault: { type: 'error', error: 'ThrottlingException' } });

    const error = await rejection(ha.client.send(CONVERSE()));

    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 429 },
      chain: 'haiku',
    });
    expect(
      (error as { attempts: { endpoint: { endpointId: string }; errorName: string }[] }).attempts.map(
        (attempt) => [attempt.endpoint.endpointId, attempt.errorName],
      ),
    ).toEqual([
      ['pt', 'ThrottlingException'],
      ['west', 'ThrottlingException'],
    ]);
    // The engine's own API still says what the chain did.
    await expect(ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) })).rejects.toBeInstanceOf(
      AllEndpointsFailedError,
    );
  });

  it("passes a caller's ValidationException and bedrock-ha's own errors through unchanged", async () => {
    const { ha } = await setup();

    await expect(
      ha.client.send(new ConverseCommand({ modelId: 'haiku', messages: userMessage('   ') })),
    ).rejects.toBeInstanceOf(ValidationException);
    const sim = await simulator({ models: { '*': { firstTokenMs: 2_000 } } });
    const slow = engine(sim, {
      chains: { haiku: { endpoints: [{ region: 'us-east-1', modelId: HAIKU }], deadlineMs: 100 } },
    });
    await expect(slow.client.send(CONVERSE())).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it('closes the engine connections on destroy(), and the engine serves on with new ones', async () => {
    const wire = recordingClientFactory();
    const { ha } = await setup({ clientFactory: wire.factory });
    await ha.client.send(CONVERSE());
    expect(wire.clients).toEqual([{ region: 'us-east-1', destroyed: false }]);

    ha.client.destroy();

    expect(wire.clients).toEqual([{ region: 'us-east-1', destroyed: true }]);
    expect((await ha.client.send(CONVERSE())).output?.message?.content?.[0]?.text).toBe('Tokyo');
    expect((await ha.converse('haiku', { messages: userMessage(TOKYO_PROMPT) })).servedBy.endpointId).toBe(
      'pt',
    );
    expect(wire.clients).toEqual([
      { region: 'us-east-1', destroyed: true },
      { region: 'us-east-1', destroyed: false },
    ]);
  });

  it("supports the SDK's callback form of send", async () => {
    const { ha } = await setup();

    const answer = await new Promise((resolve, reject) =>
      ha.client.send(CONVERSE(), (error: unknown, data?: unknown) => (error ? reject(error) : resolve(data))),
    );

    expect(answer).toMatchObject({ output: { message: { content: [{ text: 'Tokyo' }] } } });
  });
});
