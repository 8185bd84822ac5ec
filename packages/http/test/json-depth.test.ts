import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../src/json-depth.js';
import { gatewayHarness, get, json, post, TOKYO_PROMPT } from './harness.js';

// Issue 13 item 1: pass-through JSON nested past the SDK's stack is the caller's error, a 400
// naming the field and the limit, and never counts against an endpoint.
const start = gatewayHarness();

/** JSON text of objects nested `depth` levels deep. */
const deepText = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
/** Where {@link bodyOf} puts the deep JSON: `JSON.stringify` itself overflows on it. */
const DEEP = '<deep>';
/** A request body as text, with JSON nested `depth` deep in place of each {@link DEEP}. */
const bodyOf = (body: unknown, depth: number) =>
  JSON.stringify(body).replaceAll(`"${DEEP}"`, deepText(depth));
const POISON = 20_000;

const tool = (parameters: unknown) => ({ type: 'function', function: { name: 'lookup', parameters } });
const user = { role: 'user', content: TOKYO_PROMPT };

/** OpenAI bodies with JSON nested `depth` deep in each pass-through field, and that field's path. */
const openai = (depth: number): [string, string][] => [
  ['tools[0].function.parameters', bodyOf({ model: 'claude', messages: [user], tools: [tool(DEEP)] }, depth)],
  [
    'messages[1].tool_calls[0].function.arguments',
    JSON.stringify({
      model: 'claude',
      tools: [tool({ type: 'object' })],
      messages: [
        user,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: deepText(depth) } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Tokyo' },
      ],
    }),
  ],
];

const bedrockUser = { role: 'user', content: [{ text: TOKYO_PROMPT }] };
const TOOLS = { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }] };

/** Converse bodies (Bedrock's wire) with JSON nested `depth` deep in each pass-through field. */
const converse = (depth: number): [string, string][] =>
  (
    [
      [
        'toolConfig.tools[0].toolSpec.inputSchema.json',
        {
          messages: [bedrockUser],
          toolConfig: { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: DEEP } } }] },
        },
      ],
      [
        'messages[1].content[0].toolUse.input',
        {
          messages: [
            bedrockUser,
            {
              role: 'assistant',
              content: [{ toolUse: { toolUseId: 't1', name: 'lookup', input: DEEP } }],
            },
          ],
          toolConfig: TOOLS,
        },
      ],
      [
        'messages[0].content[0].toolResult.content[0].json',
        {
          messages: [
            { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ json: DEEP }] } }] },
          ],
          toolConfig: TOOLS,
        },
      ],
      ['additionalModelRequestFields', { messages: [bedrockUser], additionalModelRequestFields: DEEP }],
    ] as const
  ).map(([param, body]) => [param, bodyOf(body, depth)]);

const LIMIT_MESSAGE = new RegExp(`more than ${MAX_JSON_DEPTH} levels deep`);

describe('pass-through JSON nested too deeply', () => {
  it.each(openai(POISON))(
    'on /v1/chat/completions: `%s` is a 400 naming the field and the limit',
    async (param, body) => {
      const { gateway, sim, ha } = await start();
      for (let request = 0; request < 6; request++) {
        const response = await gateway.handle(post('/v1/chat/completions', body));
        expect(response.status).toBe(400);
        const { error } = json(response);
        expect(error).toMatchObject({ type: 'invalid_request_error', code: 'json_too_deep', param });
        expect(error.message).toContain(`\`${param}\``);
        expect(error.message).toMatch(LIMIT_MESSAGE);
      }
      expect(sim.requests()).toEqual([]);
      expect(ha.health().map((endpoint) => endpoint.breaker)).toEqual(['closed', 'closed', 'closed']);
      expect((await gateway.handle(get('/readyz'))).status).toBe(200);
    },
  );

  it.each(converse(POISON))(
    'on /model/{chain}/converse: `%s` is a 400 ValidationException naming it',
    async (param, body) => {
      const { gateway, sim, ha } = await start();
      for (const path of ['/model/claude/converse', '/model/claude/converse-stream']) {
        for (let request = 0; request < 6; request++) {
          const response = await gateway.handle(post(path, body));
          expect(response.status).toBe(400);
          expect(response.headers['x-amzn-errortype']).toBe('ValidationException');
          expect(json(response).message).toContain(`\`${param}\``);
          expect(json(response).message).toMatch(LIMIT_MESSAGE);
        }
      }
      expect(sim.requests()).toEqual([]);
      expect(ha.health().map((endpoint) => endpoint.breaker)).toEqual(['closed', 'closed', 'closed']);
      expect((await gateway.handle(get('/readyz'))).status).toBe(200);
    },
  );

  it('on /v1/chat/completions: `response_format.json_schema.schema` is a 400 naming it', async () => {
    const { gateway, sim } = await start();
    const body = bodyOf(
      {
        model: 'claude',
        messages: [user],
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: DEEP } },
      },
      POISON,
    );
    const response = await gateway.handle(post('/v1/chat/completions', body));
    expect(response.status).toBe(400);
    expect(json(response).error).toMatchObject({
      code: 'json_too_deep',
      param: 'response_format.json_schema.schema',
    });
    expect(sim.requests()).toEqual([]);
  });

  it.each([
    ...openai(MAX_JSON_DEPTH).map(([param, body]) => ['/v1/chat/completions', param, body] as const),
    ...converse(MAX_JSON_DEPTH).map(([param, body]) => ['/model/claude/converse', param, body] as const),
  ])('on %s: `%s` nested exactly to the limit passes through to Bedrock', async (path, _param, body) => {
    const { gateway, sim } = await start();
    const response = await gateway.handle(post(path, body));
    expect(response.status).toBe(200);
    expect(sim.requests()).toHaveLength(1);
  });

  it('one level past the limit is refused', async () => {
    const { gateway } = await start();
    const [[param, body]] = openai(MAX_JSON_DEPTH + 1) as [[string, unknown]];
    const response = await gateway.handle(post('/v1/chat/completions', body));
    expect(response.status).toBe(400);
    expect(json(response).error.param).toBe(param);
  });

  it('JSON the gateway does not check that still breaks the SDK is a 400 from the engine, blaming no endpoint', async () => {
    // A string member given deeply nested JSON: the Bedrock route passes the body's shape as is.
    const { gateway, sim, ha } = await start();
    const body = bodyOf({ messages: [{ role: 'user', content: [{ text: DEEP }] }] }, POISON);
    for (let request = 0; request < 6; request++) {
      const response = await gateway.handle(post('/model/claude/converse', body));
      expect(response.status).toBe(400);
      expect(response.headers['x-amzn-errortype']).toBe('ValidationException');
      expect(json(response).message).toMatch(
        /could not be sent: building it failed in this process \(RangeError/,
      );
    }
    expect(sim.requests()).toEqual([]);
    expect(ha.health().map((endpoint) => endpoint.breaker)).toEqual(['closed', 'closed', 'closed']);
    expect((await gateway.handle(get('/readyz'))).status).toBe(200);
  });
});
