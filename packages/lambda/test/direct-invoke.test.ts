import { describe, expect, it } from 'vitest';
import { createDirectInvokeHandler, createHandler, type DirectInvokeResult } from '../src/index.js';
import {
  fixture,
  haikuConfig,
  lambdaContext,
  lambdaHarness,
  PT_ARN,
  recordingLogger,
  TOKYO_PROMPT,
  throttlePt,
} from './harness.js';

const test = lambdaHarness();

async function failure(call: Promise<unknown>): Promise<Error> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the invocation to fail, but it succeeded');
  return outcome;
}

describe('createDirectInvokeHandler', () => {
  it('converses through the chain, failing over from the throttled PT, and says who served', async () => {
    const sim = await test.simulator();
    throttlePt(sim);
    const { entries, logger } = recordingLogger();
    const handler = test.track(createDirectInvokeHandler({ config: haikuConfig(sim), logger }));

    const result = await handler(fixture('direct-converse-event.json'), lambdaContext());

    expect(result.output.message.content[0]).toEqual({ text: expect.stringContaining('Tokyo') });
    expect(result.stopReason).toBe('end_turn');
    expect(result.usage?.outputTokens).toBeGreaterThan(0);
    expect(result.servedBy).toMatchObject({ endpointId: 'haiku-west', region: 'us-west-2' });
    expect(
      result.attempts.map((attempt) => [attempt.endpoint.endpointId, attempt.outcome, attempt.reason]),
    ).toEqual([
      ['pt-east', 'failure', 'throttled'],
      ['haiku-west', 'success', undefined],
    ]);
    // A Step Functions state gets plain JSON back.
    expect(JSON.parse(JSON.stringify(result))).toMatchObject({ servedBy: { endpointId: 'haiku-west' } });
    expect(entries).toMatchObject([
      { route: 'invoke converse', chain: 'claude-haiku', status: 200, endpoint: 'haiku-west', attempts: 2 },
    ]);
  });

  it('streams with converseStream and returns the whole answer', async () => {
    const sim = await test.simulator();
    const handler = test.track(createDirectInvokeHandler({ config: haikuConfig(sim), logger: false }));

    const result = await handler(
      { ...fixture<Record<string, unknown>>('direct-converse-event.json'), operation: 'converseStream' },
      lambdaContext(),
    );

    expect(result.output.message).toEqual({ role: 'assistant', content: [{ text: 'Tokyo' }] });
    expect(result.stopReason).toBe('end_turn');
    expect(result.servedBy.endpointId).toBe('pt-east');
  });

  it('throws AllEndpointsFailedError, with the attempts, when every endpoint fails', async () => {
    const sim = await test.simulator();
    sim.faults.add({ match: { model: '*' }, fault: { type: 'error', error: 'ServiceUnavailableException' } });
    const handler = test.track(createDirectInvokeHandler({ config: haikuConfig(sim), logger: false }));

    const error = await failure(handler(fixture('direct-converse-event.json'), lambdaContext()));

    expect(error.name).toBe('AllEndpointsFailedError');
    expect(error.message).toContain('pt-east');
    expect((error as Error & { attempts: unknown[] }).attempts.length).toBeGreaterThanOrEqual(2);
  });

  it('throws DeadlineExceededError when the invocation has little time left', async () => {
    const sim = await test.simulator();
    sim.faults.add({ match: { model: PT_ARN }, fault: { type: 'hang' } });
    const handler = test.track(createDirectInvokeHandler({ config: haikuConfig(sim), logger: false }));

    const error = await failure(handler(fixture('direct-converse-event.json'), lambdaContext(1300)));

    expect(error.name).toBe('DeadlineExceededError');
  });

  it('throws UnknownChainError naming the configured chains', async () => {
    const sim = await test.simulator();
    const handler = test.track(createDirectInvokeHandler({ config: haikuConfig(sim), logger: false }));

    const error = await failure(
      handler(
        { ...fixture<Record<string, unknown>>('direct-converse-event.json'), chain: 'gpt-4o' },
        lambdaContext(),
      ),
    );

    expect(error.name).toBe('UnknownChainError');
    expect(error.message).toContain('claude-haiku');
  });

  it('passes the SDK request error through by name', async () => {
    const sim = await test.simulator();
    const handler = test.track(createDirectInvokeHandler({ config: haikuConfig(sim), logger: false }));

    const error = await failure(
      handler(
        { chain: 'claude-haiku', input: { messages: [{ role: 'user', content: [] }] } },
        lambdaContext(),
      ),
    );

    expect(error.name).toBe('ValidationException');
  });

  it.each([
    [{ input: { messages: [] } }, /"chain" is missing/],
    [{ chain: 'claude-haiku' }, /"input" is missing/],
    [{ chain: 'claude-haiku', input: [] }, /"input" is not an object/],
    [{ chain: 'claude-haiku', operation: 'invoke', input: { messages: [] } }, /"operation" is "invoke"/],
    [{ chain: 'claude-haiku', input: { modelId: 'x', messages: [] } }, /modelId.*chain picks/],
  ])('rejects a malformed event %j with InvalidEventError', async (event, message) => {
    const sim = await test.simulator();
    const handler = test.track(createDirectInvokeHandler({ config: haikuConfig(sim), logger: false }));

    const error = await failure(handler(event, lambdaContext()));

    expect(error.name).toBe('InvalidEventError');
    expect(error.message).toMatch(message);
    expect(sim.requests()).toHaveLength(0);
  });

  it('is also what createHandler does with a direct event', async () => {
    const sim = await test.simulator();
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));

    const result = (await handler(
      { chain: 'claude-haiku', input: { messages: [{ role: 'user', content: [{ text: TOKYO_PROMPT }] }] } },
      lambdaContext(),
    )) as DirectInvokeResult;

    expect(result.servedBy.endpointId).toBe('pt-east');
    expect(result.output.message.content[0]).toEqual({ text: 'Tokyo' });
  });
});
