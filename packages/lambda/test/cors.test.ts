import { describe, expect, it } from 'vitest';
import { createHandler, type HttpResult } from '../src/index.js';
import { haikuConfig, httpEvent, lambdaContext, lambdaHarness, TOKYO_PROMPT } from './harness.js';

const test = lambdaHarness();
const APP = 'https://app.example.com';

/** A Function URL preflight: OPTIONS with the browser's CORS headers and no key. */
function preflightEvent() {
  const event = httpEvent('/v1/chat/completions', '');
  return {
    ...event,
    headers: {
      origin: APP,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    },
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'OPTIONS' } },
    body: undefined,
  };
}

describe('createHandler with CORS', () => {
  it.each([
    ['the cors option', { cors: { allowedOrigins: [APP] } }],
    ['BEDROCK_HA_CORS_ORIGINS', {}],
  ])('answers a preflight before the key check with %s', async (_name, options) => {
    const sim = await test.simulator();
    const handler = test.track(
      createHandler({
        config: haikuConfig(sim),
        apiKeys: ['lambda-key'],
        env: { BEDROCK_HA_CORS_ORIGINS: `${APP}, http://localhost:5173` },
        logger: false,
        ...options,
      }),
    );
    const result = (await handler(preflightEvent(), lambdaContext())) as HttpResult;
    expect(result.statusCode).toBe(204);
    expect(result.headers['access-control-allow-origin']).toBe(APP);

    const answered = (await handler(
      httpEvent(
        '/v1/chat/completions',
        { model: 'claude-haiku', messages: [{ role: 'user', content: TOKYO_PROMPT }] },
        { headers: { origin: APP, 'x-api-key': 'lambda-key', 'content-type': 'application/json' } },
      ),
      lambdaContext(),
    )) as HttpResult;
    expect(answered.statusCode).toBe(200);
    expect(answered.headers['access-control-allow-origin']).toBe(APP);
  });

  it('without either, a preflight meets the key check', async () => {
    const sim = await test.simulator();
    const handler = test.track(
      createHandler({ config: haikuConfig(sim), apiKeys: ['lambda-key'], env: {}, logger: false }),
    );
    const result = (await handler(preflightEvent(), lambdaContext())) as HttpResult;
    expect(result.statusCode).toBe(401);
    expect(result.headers['access-control-allow-origin']).toBeUndefined();
  });
});
