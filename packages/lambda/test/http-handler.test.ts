import { describe, expect, it } from 'vitest';
import { createHandler, type HttpResult, InvalidEventError } from '../src/index.js';
import { eventStreamMessages } from './event-stream-frames.js';
import {
  fixture,
  haikuConfig,
  httpEvent,
  lambdaContext,
  lambdaHarness,
  recordingLogger,
  TOKYO_PROMPT,
  throttlePt,
} from './harness.js';

const test = lambdaHarness();
const converseBody = { messages: [{ role: 'user', content: [{ text: TOKYO_PROMPT }] }] };

describe('createHandler with HTTP events', () => {
  it('answers a Function URL chat completion from us-west-2 while the PT throttles', async () => {
    const sim = await test.simulator();
    throttlePt(sim);
    const { entries, logger } = recordingLogger();
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger }));

    const result = (await handler(fixture('function-url-event.json'), lambdaContext())) as HttpResult;

    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(false);
    expect(result.headers['x-bedrock-ha-endpoint']).toBe('haiku-west');
    expect(result.headers['x-bedrock-ha-region']).toBe('us-west-2');
    expect(result.headers['x-bedrock-ha-attempts']).toBe('2');
    const body = JSON.parse(result.body);
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.content).toContain('Tokyo');

    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: 'INFO',
      message: 'request',
      route: 'POST /v1/chat/completions',
      chain: 'claude-haiku',
      status: 200,
      endpoint: 'haiku-west',
      region: 'us-west-2',
      attempts: 2,
      function_name: 'bedrock-ha-test',
      requestId: result.headers['x-request-id'],
    });
    expect(typeof entries[0]?.function_request_id).toBe('string');
    expect(JSON.stringify(entries)).not.toContain('largest city');
    expect(JSON.stringify(entries)).not.toContain('Tokyo');
  });

  it('serves an HTTP API event with a base64 body on a named stage (Bedrock-native converse)', async () => {
    const sim = await test.simulator();
    throttlePt(sim);
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));

    const result = (await handler(fixture('http-api-event.json'), lambdaContext())) as HttpResult;

    expect(result.statusCode).toBe(200);
    expect(result.headers['x-bedrock-ha-endpoint']).toBe('haiku-west');
    expect(JSON.parse(result.body).output.message.content[0].text).toContain('Tokyo');
  });

  it('serves an API Gateway REST (payload 1.0) event', async () => {
    const sim = await test.simulator();
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));

    const result = (await handler(fixture('rest-api-event.json'), lambdaContext())) as HttpResult;

    expect(result.statusCode).toBe(200);
    expect(result.headers['x-bedrock-ha-endpoint']).toBe('pt-east');
    expect(JSON.parse(result.body).output.message.content[0].text).toContain('Tokyo');
  });

  it('returns a whole event stream base64-encoded in buffered mode', async () => {
    const sim = await test.simulator();
    throttlePt(sim);
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));

    const result = (await handler(
      httpEvent('/model/claude-haiku/converse-stream', converseBody),
      lambdaContext(),
    )) as HttpResult;

    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(true);
    expect(result.headers['content-type']).toBe('application/vnd.amazon.eventstream');
    const messages = eventStreamMessages(Buffer.from(result.body, 'base64'));
    expect(messages[0]?.type).toBe('messageStart');
    expect(messages.map((message) => message.type)).toContain('messageStop');
    const text = messages
      .map((message) => (message.payload as { delta?: { text?: string } })?.delta?.text ?? '')
      .join('');
    expect(text).toContain('Tokyo');
  });

  it('answers malformed JSON with a 400 that says what is wrong', async () => {
    const sim = await test.simulator();
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));

    const result = (await handler(
      httpEvent('/v1/chat/completions', '{"model": "claude-haiku", "messages": ['),
      lambdaContext(),
    )) as HttpResult;

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.message).toMatch(/JSON/i);
  });

  it('answers an unknown chain with a 404 naming the chains there are', async () => {
    const sim = await test.simulator();
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));

    const result = (await handler(
      httpEvent('/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      lambdaContext(),
    )) as HttpResult;

    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body).error.message).toContain('claude-haiku');
    expect(sim.requests()).toHaveLength(0);
  });

  it('refuses to start when BEDROCK_HA_API_KEYS holds no key, instead of serving without auth', async () => {
    const sim = await test.simulator();
    expect(() =>
      createHandler({ config: haikuConfig(sim), logger: false, env: { BEDROCK_HA_API_KEYS: ' , ,' } }),
    ).toThrow(
      'The bedrock-ha configuration in BEDROCK_HA_API_KEYS has a problem:\n  - BEDROCK_HA_API_KEYS is set but holds no key',
    );
  });

  it('refuses a request without the API key when keys are configured', async () => {
    const sim = await test.simulator();
    const handler = test.track(
      createHandler({ config: haikuConfig(sim), logger: false, env: { BEDROCK_HA_API_KEYS: 'k1, k2' } }),
    );

    const refused = (await handler(fixture('function-url-event.json'), lambdaContext())) as HttpResult;
    const event = fixture<{ headers: Record<string, string> }>('function-url-event.json');
    const accepted = (await handler(
      { ...event, headers: { ...event.headers, authorization: 'Bearer k2' } },
      lambdaContext(),
    )) as HttpResult;

    expect(refused.statusCode).toBe(401);
    expect(refused.body).not.toContain('k1');
    expect(accepted.statusCode).toBe(200);
  });

  it('refuses an oversized body with a 413 before calling Bedrock', async () => {
    const sim = await test.simulator();
    const handler = test.track(
      createHandler({ config: haikuConfig(sim), logger: false, maxBodyBytes: 1024 }),
    );
    const big = { model: 'claude-haiku', messages: [{ role: 'user', content: 'x'.repeat(4096) }] };

    const result = (await handler(httpEvent('/v1/chat/completions', big), lambdaContext())) as HttpResult;

    expect(result.statusCode).toBe(413);
    expect(JSON.parse(result.body).error.message).toMatch(/1024/);
    expect(sim.requests()).toHaveLength(0);
  });

  it('answers with a timeout error, not a hang, when the invocation has little time left', async () => {
    const sim = await test.simulator();
    sim.faults.add({ match: { model: '*' }, fault: { type: 'hang' } });
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));
    const started = performance.now();

    // 1.5 s left with the default 1 s margin: the request gets 0.5 s.
    const result = (await handler(fixture('function-url-event.json'), lambdaContext(1500))) as HttpResult;

    expect(result.statusCode).toBe(408);
    expect(JSON.parse(result.body).error.code).toBe('deadline_exceeded');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('caps the deadline at BEDROCK_HA_MAX_DEADLINE_MS however long the invocation may run (HTTP API)', async () => {
    const sim = await test.simulator();
    sim.faults.add({ match: { model: '*' }, fault: { type: 'hang' } });
    const { entries, logger } = recordingLogger();
    const handler = test.track(
      createHandler({ config: haikuConfig(sim), logger, env: { BEDROCK_HA_MAX_DEADLINE_MS: '800' } }),
    );

    // A whole minute left, as a 29 s function behind API Gateway would wrongly take for granted.
    const result = (await handler(fixture('function-url-event.json'), lambdaContext(60_000))) as HttpResult;

    expect(result.statusCode).toBe(408);
    expect(JSON.parse(result.body).error.code).toBe('deadline_exceeded');
    expect(entries).toMatchObject([{ level: 'WARN', status: 408 }]);
    expect(entries[0]?.durationMs).toBeLessThan(20_000);
  });

  it('throws InvalidEventError for an event that is neither HTTP nor a direct invocation', async () => {
    const sim = await test.simulator();
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));

    const error = await handler({ Records: [{ eventSource: 'aws:sqs' }] }, lambdaContext()).catch(
      (caught: unknown) => caught,
    );

    expect(InvalidEventError.isInstance(error)).toBe(true);
    expect((error as Error).name).toBe('InvalidEventError');
    expect((error as Error).message).toContain('Records');
  });

  const chat = { model: 'claude-haiku', messages: [{ role: 'user', content: TOKYO_PROMPT }] };
  const v2 = () => httpEvent('/v1/chat/completions', chat);
  const v1 = () => fixture<Record<string, unknown>>('rest-api-event.json');
  it.each([
    [
      'an empty requestContext.http',
      () => ({ ...v2(), requestContext: { ...v2().requestContext, http: {} } }),
      '"requestContext.http.method" is missing (it must be a string)',
    ],
    ['a numeric rawPath', () => ({ ...v2(), rawPath: 42 }), '"rawPath" must be a string, got a number'],
    ['an object body', () => ({ ...v2(), body: chat }), '"body" must be a string, got an object'],
    [
      'cookies as a string',
      () => ({ ...v2(), cookies: 'a=b' }),
      '"cookies" must be a list of strings, got a string',
    ],
    [
      'a numeric header value',
      () => ({ ...v2(), headers: { 'content-type': 7 } }),
      '"headers.content-type" must be a string, got a number',
    ],
    [
      'a multiValueHeaders value that is not a list',
      () => ({ ...v1(), multiValueHeaders: { Accept: 'application/json' } }),
      '"multiValueHeaders.Accept" must be a list of strings, got a string',
    ],
    [
      'a REST header value that is a list',
      () => ({ ...v1(), multiValueHeaders: null, headers: { 'content-type': ['application/json'] } }),
      '"headers.content-type" must be a string, got a list',
    ],
    ['a numeric REST body', () => ({ ...v1(), body: 12 }), '"body" must be a string, got a number'],
    ['a numeric REST path', () => ({ ...v1(), path: 5 }), '"path" must be a string, got a number'],
  ])('throws InvalidEventError, not a TypeError, for an HTTP event with %s', async (_, event, problem) => {
    const sim = await test.simulator();
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));

    const error = await handler(event(), lambdaContext()).catch((caught: unknown) => caught);

    expect(InvalidEventError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toBe(
      `The HTTP event's ${problem}; API Gateway and Function URLs never send that, so the event was made or changed by hand`,
    );
    expect(sim.requests()).toEqual([]);
  });
});
