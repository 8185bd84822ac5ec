import { AccessDeniedException, ConverseCommand, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { API_KEY, gatewayHarness, get, HAIKU, json, post, sdkClient, TOKYO_PROMPT } from './harness.js';

const start = gatewayHarness();
const ask = { model: 'claude', messages: [{ role: 'user', content: TOKYO_PROMPT }] };

describe('bad requests', () => {
  it('malformed JSON is a 400 that says where the JSON breaks', async () => {
    const { gateway, sim, logs } = await start();
    const response = await gateway.handle(
      post('/v1/chat/completions', '{"model": "claude",\n "messages": [}'),
    );
    expect(response.status).toBe(400);
    const { error } = json(response);
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', param: null });
    expect(error.message).toMatch(/not valid JSON: Unexpected token '}' at line 2, column 15/);
    expect(sim.requests()).toEqual([]);
    expect(logs).toEqual([
      expect.objectContaining({ status: 400, error: expect.objectContaining({ name: 'ValidationError' }) }),
    ]);
  });

  it('an empty or blank body is a 400 empty_body, and a UTF-8 byte order mark is no blank', async () => {
    const { gateway, sim } = await start();
    const bytes = (text: string) => new TextEncoder().encode(text);
    for (const body of [undefined, '', bytes(''), bytes(' \n\t'), bytes('\uFEFF')]) {
      const response = await gateway.handle({ ...post('/v1/chat/completions', ''), body });
      expect(response.status).toBe(400);
      expect(json(response).error).toMatchObject({
        code: 'empty_body',
        message: 'The request body is empty; send a JSON object.',
      });
    }
    expect(sim.requests()).toEqual([]);
    // A body as bytes is UTF-8 and may start with a byte order mark, which is not part of the JSON.
    const withBom = await gateway.handle({
      ...post('/v1/chat/completions', ''),
      body: bytes(`\uFEFF${JSON.stringify(ask)}`),
    });
    expect(withBom.status).toBe(200);
  });

  it('a malformed Converse body is a ValidationException in Bedrock format', async () => {
    const { gateway } = await start();
    const response = await gateway.handle(post('/model/claude/converse', '{"messages": ['));
    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(response.headers['x-amzn-requestid']).toBe(response.headers['x-request-id']);
    expect(json(response).message).toMatch(/not valid JSON/);
  });

  it('a body over the limit is a 413, and errorResponse gives the same for adapters', async () => {
    const { gateway, sim } = await start({ gateway: { maxBodyBytes: 100 } });
    const big = { ...ask, messages: [{ role: 'user', content: 'x'.repeat(200) }] };
    const response = await gateway.handle(post('/v1/chat/completions', big));
    expect(response.status).toBe(413);
    expect(json(response).error).toMatchObject({ code: 'payload_too_large', type: 'invalid_request_error' });
    expect(json(response).error.message).toContain('100 bytes');
    expect(sim.requests()).toEqual([]);
    expect(gateway.maxBodyBytes).toBe(100);
    const early = gateway.errorResponse('/model/claude/converse', {
      kind: 'payload-too-large',
      limitBytes: 100,
    });
    expect(early.status).toBe(413);
    expect(early.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(early.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unreadable = gateway.errorResponse('/v1/chat/completions', {
      kind: 'bad-request',
      message: 'The body could not be read.',
    });
    expect(unreadable.status).toBe(400);
    expect(json(unreadable).error.message).toBe('The body could not be read.');
  });

  it('a request no endpoint can take (tools to a model without them) is a 400 that names what is missing', async () => {
    const { gateway, sim } = await start({
      config: {
        chains: {
          claude: {
            endpoints: [
              { id: 'no-tools', region: 'us-west-2', modelId: HAIKU, capabilities: { tools: false } },
            ],
          },
        },
      },
    });
    const tools = [{ toolSpec: { name: 'weather', inputSchema: { json: { type: 'object' } } } }];
    const body = { messages: [{ role: 'user', content: [{ text: TOKYO_PROMPT }] }], toolConfig: { tools } };
    const response = await gateway.handle(post('/model/claude/converse', body));
    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(json(response).message).toMatch(/no-tools skipped \(unsupported-capability: tools\)/);
    const openai = await gateway.handle(
      post('/v1/chat/completions', {
        ...ask,
        tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
      }),
    );
    expect(openai.status).toBe(400);
    expect(json(openai).error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_request' });
    expect(sim.requests()).toEqual([]);
  });

  it('an unknown model is a 404 model_not_found listing the chains', async () => {
    const { gateway, sim } = await start();
    const response = await gateway.handle(post('/v1/chat/completions', { ...ask, model: 'gpt-4o' }));
    expect(response.status).toBe(404);
    expect(json(response).error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
      type: 'invalid_request_error',
    });
    expect(json(response).error.message).toContain('claude, nova');
    expect(sim.requests()).toEqual([]);
  });

  it('a field that does not map to Bedrock is a 400 naming it', async () => {
    const { gateway } = await start();
    const response = await gateway.handle(post('/v1/chat/completions', { ...ask, n: 3 }));
    expect(response.status).toBe(400);
    expect(json(response).error).toMatchObject({
      param: 'n',
      message: expect.stringMatching(/`n` must be 1/),
    });
  });

  it('an assistant message with a function_call or audio set is a 400 saying what to send instead', async () => {
    const { gateway, sim } = await start();
    const replayed = (extra: Record<string, unknown>) =>
      gateway.handle(
        post('/v1/chat/completions', {
          ...ask,
          messages: [...ask.messages, { role: 'assistant', content: 'Tokyo', ...extra }, ask.messages[0]],
        }),
      );
    const functionCall = await replayed({ function_call: { name: 'weather', arguments: '{}' } });
    expect(functionCall.status).toBe(400);
    expect(json(functionCall).error).toMatchObject({
      param: 'messages[1].function_call',
      message: expect.stringMatching(/must be null: .*send them as `tool_calls`/),
    });
    const audio = await replayed({ audio: { id: 'audio_1' } });
    expect(json(audio).error).toMatchObject({
      param: 'messages[1].audio',
      message: expect.stringMatching(/must be null: .*transcript/),
    });
    expect(sim.requests()).toEqual([]);
  });

  it('an upstream ValidationException passes through with its message, without failover', async () => {
    const { gateway, sim } = await start();
    // Claude rejects a prefill that ends in white space; every endpoint would, so no failover.
    const messages = [
      { role: 'user', content: TOKYO_PROMPT },
      { role: 'assistant', content: 'Tok ' },
    ];
    const response = await gateway.handle(post('/v1/chat/completions', { ...ask, messages }));
    expect(response.status).toBe(400);
    expect(json(response).error.message).toMatch(/trailing whitespace/);
    expect(sim.requests()).toHaveLength(1);
    const error = await sdkClient(gateway)
      .send(
        new ConverseCommand({
          modelId: 'claude',
          messages: [
            { role: 'user', content: [{ text: TOKYO_PROMPT }] },
            { role: 'assistant', content: [{ text: 'Tok ' }] },
          ],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toMatch(/trailing whitespace/);
  });
});

describe('API keys', () => {
  it('a missing or wrong key is a 401 that never echoes the key', async () => {
    const { gateway, sim } = await start();
    const missing = await gateway.handle(post('/v1/chat/completions', ask, { authorization: '' }));
    expect(missing.status).toBe(401);
    expect(json(missing).error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    expect(json(missing).error.message).toMatch(/Authorization: Bearer/);
    const wrong = await gateway.handle(
      post('/v1/chat/completions', ask, { authorization: 'Bearer not-the-key-42' }),
    );
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong)).not.toContain('not-the-key-42');
    expect(sim.requests()).toEqual([]);
  });

  it('accepts the key as x-api-key, and health checks need none', async () => {
    const { gateway } = await start();
    const withHeader = await gateway.handle(
      post('/v1/chat/completions', ask, { authorization: '', 'x-api-key': API_KEY }),
    );
    expect(withHeader.status).toBe(200);
    for (const path of ['/healthz', '/readyz']) {
      expect((await gateway.handle({ method: 'GET', path, headers: {}, body: undefined })).status).toBe(200);
    }
    expect(
      (await gateway.handle({ method: 'GET', path: '/v1/models', headers: {}, body: undefined })).status,
    ).toBe(401);
  });

  it('an unknown path or wrong method without a key is a 401 that discloses no route or chain', async () => {
    const { gateway } = await start();
    const anonymous = (method: string, path: string) =>
      gateway.handle({ method, path, headers: {}, body: undefined });
    for (const response of [
      await anonymous('GET', '/admin'),
      await anonymous('GET', '/v1/chat/completions'),
      await anonymous('POST', '/model/claude/count-tokens'),
      await anonymous('POST', '/model/%E0%A4%A/converse'),
    ]) {
      expect(response.status).toBe(401);
      expect(response.body).not.toMatch(/\/v1\/models|claude|nova/);
      expect(response.headers.allow).toBeUndefined();
    }
    const bedrock = await anonymous('POST', '/model/claude/count-tokens');
    expect(bedrock.headers['x-amzn-errortype']).toBe('AccessDeniedException');
  });

  it('the AWS SDK without the x-api-key middleware gets AccessDeniedException', async () => {
    const { gateway } = await start();
    const error = await sdkClient(gateway, 'wrong-key')
      .send(
        new ConverseCommand({ modelId: 'claude', messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect((error as AccessDeniedException).$metadata.httpStatusCode).toBe(401);
  });

  it('with no keys configured every request is let through', async () => {
    const { gateway } = await start({ gateway: { apiKeys: [] } });
    expect((await gateway.handle(get('/v1/models', { 'x-api-key': '' }))).status).toBe(200);
  });
});

describe('routing and request ids', () => {
  it('an unknown path is a 404 and a wrong method a 405 with allow', async () => {
    const { gateway, logs } = await start();
    const missing = await gateway.handle(get('/v1/completions'));
    expect(missing.status).toBe(404);
    expect(json(missing).error.code).toBe('unknown_route');
    const wrongMethod = await gateway.handle(get('/v1/chat/completions'));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    const bedrock = await gateway.handle(post('/model/claude/count-tokens', {}));
    expect(bedrock.status).toBe(404);
    expect(bedrock.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    expect(logs.map((entry) => [entry.route, entry.status])).toEqual([
      ['unmatched', 404],
      ['unmatched', 405],
      ['unmatched', 404],
    ]);
  });

  it('echoes a sane incoming x-request-id and replaces an unsafe one', async () => {
    const { gateway, logs } = await start();
    const kept = await gateway.handle(get('/v1/models', { 'x-request-id': 'trace-abc.123' }));
    expect(kept.headers['x-request-id']).toBe('trace-abc.123');
    const replaced = await gateway.handle(get('/v1/models', { 'x-request-id': 'bad id\r\nx-evil: 1' }));
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.map((entry) => entry.requestId)).toEqual(['trace-abc.123', replaced.headers['x-request-id']]);
  });

  it('decodes an URL-encoded chain name in a Bedrock path', async () => {
    const { gateway } = await start({
      config: {
        chains: {
          'team/claude:v1': {
            endpoints: [{ region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }],
          },
        },
      },
    });
    const output = await sdkClient(gateway).send(
      new ConverseCommand({
        modelId: 'team/claude:v1',
        messages: [{ role: 'user', content: [{ text: TOKYO_PROMPT }] }],
      }),
    );
    expect(output.output?.message?.content?.[0]?.text).toBe('Tokyo');
  });
});
