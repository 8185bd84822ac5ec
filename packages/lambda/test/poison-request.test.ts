import { describe, expect, it } from 'vitest';
import { createDirectInvokeHandler, createHandler, type HttpResult } from '../src/index.js';
import { haikuConfig, httpEvent, lambdaContext, lambdaHarness, TOKYO_PROMPT } from './harness.js';

// Issue 13 item 1 through the Lambda adapter: poison requests are 400s and never open a breaker.
const test = lambdaHarness();

const DEPTH = 20_000;
/** A Converse body with `depth`-deep JSON as a tool result (built as text: JSON.stringify would overflow). */
const toolResultBody = (depth: number) =>
  `{"messages":[{"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"json":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}]}}]}]}`;
const chatBody = (depth: number) =>
  `{"model":"claude-haiku","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"lookup","parameters":${'['.repeat(depth)}${']'.repeat(depth)}}}]}`;

describe('poison requests through the Lambda HTTP handler', () => {
  it('answer 400 naming the field, leave every breaker closed, and legitimate requests keep succeeding', async () => {
    const sim = await test.simulator();
    const handler = test.track(createHandler({ config: haikuConfig(sim), logger: false }));
    const invoke = async (path: string, body: string) =>
      (await handler(httpEvent(path, body), lambdaContext())) as HttpResult;

    for (let round = 0; round < 6; round++) {
      const converse = await invoke('/model/claude-haiku/converse', toolResultBody(DEPTH));
      expect(converse.statusCode).toBe(400);
      expect(converse.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(JSON.parse(converse.body).message).toMatch(
        /^`messages\[0\]\.content\[0\]\.toolResult\.content\[0\]\.json` nests objects and arrays more than 100 levels deep/,
      );

      const chat = await invoke('/v1/chat/completions', chatBody(DEPTH));
      expect(chat.statusCode).toBe(400);
      expect(JSON.parse(chat.body).error).toMatchObject({
        code: 'json_too_deep',
        param: 'tools[0].function.parameters',
      });

      const legitimate = await invoke(
        '/v1/chat/completions',
        JSON.stringify({ model: 'claude-haiku', messages: [{ role: 'user', content: TOKYO_PROMPT }] }),
      );
      expect(legitimate.statusCode).toBe(200);
      expect(legitimate.headers['x-bedrock-ha-endpoint']).toBe('pt-east');
    }
    expect(handler.engine.health().map((endpoint) => endpoint.breaker)).toEqual(['closed', 'closed']);
    const event = httpEvent('/readyz', '');
    const probe = {
      ...event,
      requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'GET' } },
    };
    const ready = (await handler(probe, lambdaContext())) as HttpResult;
    expect(ready.statusCode).toBe(200);
  });
});

describe('poison requests through the direct-invoke handler', () => {
  it('fail with InvalidEventError naming the field, before any call, and leave every breaker closed', async () => {
    const sim = await test.simulator();
    const handler = test.track(createDirectInvokeHandler({ config: haikuConfig(sim), logger: false }));
    const input = JSON.parse(toolResultBody(DEPTH));
    for (let round = 0; round < 6; round++) {
      const error = await handler({ chain: 'claude-haiku', input }, lambdaContext()).then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
      expect(error?.name).toBe('InvalidEventError');
      expect(error?.message).toMatch(
        /"input" is not a valid Converse input: `messages\[0\]\.content\[0\]\.toolResult\.content\[0\]\.json` nests objects and arrays more than 100 levels deep/,
      );
    }
    expect(sim.requests()).toHaveLength(0);
    expect(handler.engine.health().map((endpoint) => endpoint.breaker)).toEqual(['closed', 'closed']);
  });
});
