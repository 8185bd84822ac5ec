import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  InvokeModelCommand,
  ModelNotReadyException,
  ResourceNotFoundException,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import type { BuildMiddleware, FinalizeRequestMiddleware } from '@smithy/types';
import { describe, expect, test } from 'vitest';
import type { Simulator } from '../src/index.js';
import {
  anthropicBody,
  countWords,
  firstWords,
  HAIKU,
  NOVA,
  novaBody,
  prefilledAnthropicBody,
  prefilledMessages,
  rejection,
  runtimeClient,
  SONNET_3_7,
  SONNET_4,
  simulators,
  TOKYO_PROMPT,
  TRANSPORTS,
  textOf,
  userMessage,
} from './sdk.js';

const startSimulator = simulators();

const ACCOUNT = '123456789012';
const PT_ID = 'haikupt00001';
const PT_ARN = `arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/${PT_ID}`;
const CREATING_PT_ARN = `arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/creatingpt01`;
const OPEN_QUESTION = 'tell me about resilient endpoints';
/** Generated answers long enough that a prefill leaves plenty to continue. */
const LONG_ANSWERS = { models: { '*': { outputTokens: 60 } } };

/** A simulator with a Provisioned Throughput in service and one still being created. */
function startWithProvisionedThroughputs(): Promise<Simulator> {
  return startSimulator({
    provisioning: { delayMs: 60_000 },
    provisionedThroughputs: [
      { name: 'haiku-pt', region: 'us-east-1', modelId: HAIKU, id: PT_ID },
      { name: 'creating-pt', region: 'us-east-1', modelId: HAIKU, id: 'creatingpt01', status: 'Creating' },
    ],
  });
}

function converse(client: BedrockRuntimeClient, input: Partial<ConverseCommandInput> & { prompt?: string }) {
  const { prompt = OPEN_QUESTION, ...rest } = input;
  return client.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(prompt), ...rest }));
}

/** The answer text of a Nova `messages-v1` InvokeModel call. */
async function novaText(client: BedrockRuntimeClient, body: string): Promise<string> {
  const output = await client.send(new InvokeModelCommand({ modelId: NOVA, body }));
  const json = JSON.parse(output.body.transformToString()) as {
    output: { message: { content: { text: string }[] } };
  };
  return json.output.message.content[0]!.text;
}

/** The parts of an Anthropic Messages response the tests read. */
interface AnthropicMessage {
  id: string;
  content: { type: string; text: string }[];
  stop_reason: string;
  usage: { input_tokens: number; output_tokens: number };
}

async function invokeJson(client: BedrockRuntimeClient, modelId: string, body: string) {
  const output = await client.send(
    new InvokeModelCommand({ modelId, body, contentType: 'application/json', accept: 'application/json' }),
  );
  return { output, json: JSON.parse(output.body.transformToString()) as AnthropicMessage };
}

describe.each(TRANSPORTS)('runtime API over $transport', ({ http1 }) => {
  describe('Converse', () => {
    test('answers the seed prompt with "Tokyo"', async () => {
      const sim = await startSimulator();
      const output = await converse(runtimeClient(sim, 'us-east-1', { http1 }), { prompt: TOKYO_PROMPT });

      expect(output.output?.message?.role).toBe('assistant');
      expect(textOf(output.output?.message?.content)).toBe('Tokyo');
      expect(output.stopReason).toBe('end_turn');
      expect(output.usage).toEqual({
        inputTokens: countWords(TOKYO_PROMPT),
        outputTokens: 1,
        totalTokens: countWords(TOKYO_PROMPT) + 1,
      });
      expect(output.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
      expect(output.metrics?.latencyMs).toBeLessThan(60_000);
    });

    test('gives the same generated answer to the same prompt and another to another prompt', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });

      const first = await converse(client, {});
      const again = await converse(client, {});
      const other = await converse(client, { prompt: 'explain cross-region inference' });

      const text = textOf(first.output?.message?.content);
      expect(text.length).toBeGreaterThan(20);
      expect(textOf(again.output?.message?.content)).toBe(text);
      expect(again.usage).toEqual(first.usage);
      expect(textOf(other.output?.message?.content)).not.toBe(text);
    });

    test('reports usage that matches the prompt and the generated text', async () => {
      const sim = await startSimulator();
      const output = await converse(runtimeClient(sim, 'us-east-1', { http1 }), {
        system: [{ text: 'Be brief.' }],
      });

      const text = textOf(output.output?.message?.content);
      const usage = output.usage!;
      expect(usage.outputTokens).toBe(countWords(text));
      expect(usage.inputTokens).toBe(countWords(`Be brief. ${OPEN_QUESTION}`));
      expect(usage.totalTokens).toBe(usage.inputTokens! + usage.outputTokens!);
      expect(sim.requests().at(-1)).toMatchObject({
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
      });
    });

    test('truncates the answer at maxTokens with stopReason max_tokens', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const full = textOf((await converse(client, {})).output?.message?.content);

      const output = await converse(client, { inferenceConfig: { maxTokens: 5 } });

      const text = textOf(output.output?.message?.content);
      expect(output.stopReason).toBe('max_tokens');
      expect(output.usage?.outputTokens).toBe(5);
      expect(countWords(text)).toBe(5);
      expect(full.startsWith(text)).toBe(true);
    });

    test('stops before a stop sequence with stopReason stop_sequence', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const full = textOf((await converse(client, {})).output?.message?.content);
      const stop = full.split(' ')[4]!;

      const output = await converse(client, { inferenceConfig: { stopSequences: [stop] } });

      expect(output.stopReason).toBe('stop_sequence');
      expect(textOf(output.output?.message?.content)).toBe(full.slice(0, full.indexOf(stop)));
    });

    test('continues an assistant prefill with the rest of the answer, counting only the new tokens', async () => {
      const sim = await startSimulator(LONG_ANSWERS);
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const full = textOf((await converse(client, {})).output?.message?.content);
      const prefill = firstWords(full, 9);

      const output = await converse(client, { messages: prefilledMessages(OPEN_QUESTION, prefill) });

      const continuation = textOf(output.output?.message?.content);
      expect(countWords(continuation)).toBe(60 - countWords(prefill));
      expect(prefill + continuation).toBe(full);
      expect(output.stopReason).toBe('end_turn');
      expect(output.usage).toEqual({
        inputTokens: countWords(`${OPEN_QUESTION} ${prefill}`),
        outputTokens: countWords(continuation),
        totalTokens: countWords(`${OPEN_QUESTION} ${prefill}`) + countWords(continuation),
      });
    });

    test('applies maxTokens to the continuation of a prefill, not to the prefill', async () => {
      const sim = await startSimulator(LONG_ANSWERS);
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const full = textOf((await converse(client, {})).output?.message?.content);
      const prefill = firstWords(full, 9);

      const output = await converse(client, {
        messages: prefilledMessages(OPEN_QUESTION, prefill),
        inferenceConfig: { maxTokens: 5 },
      });

      const continuation = textOf(output.output?.message?.content);
      expect(output).toMatchObject({ stopReason: 'max_tokens', usage: { outputTokens: 5 } });
      expect(countWords(continuation)).toBe(5);
      expect(full.startsWith(prefill + continuation)).toBe(true);
    });

    test('answers a prefill that already holds the whole answer with empty text and end_turn', async () => {
      const sim = await startSimulator();
      const output = await converse(runtimeClient(sim, 'us-east-1', { http1 }), {
        messages: prefilledMessages(TOKYO_PROMPT, 'Tokyo'),
      });

      expect(textOf(output.output?.message?.content)).toBe('');
      expect(output.stopReason).toBe('end_turn');
    });

    test('rejects a prefill that ends in white space, in Anthropic’s words', async () => {
      const sim = await startSimulator();
      const error = await rejection(
        converse(runtimeClient(sim, 'us-east-1', { http1 }), {
          messages: prefilledMessages(OPEN_QUESTION, 'Provisioned Throughput '),
        }),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.$metadata?.httpStatusCode).toBe(400);
      // Converse wraps the model's own error, as the real service does.
      expect(error.message).toBe(
        'The model returned the following errors: messages: final assistant content cannot end with trailing whitespace',
      );
    });

    test('calls the tool that toolChoice forces, with stopReason tool_use', async () => {
      const sim = await startSimulator();
      const output = await converse(runtimeClient(sim, 'us-east-1', { http1 }), {
        toolConfig: {
          tools: [
            { toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object' } } } },
            { toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } },
          ],
          toolChoice: { tool: { name: 'get_weather' } },
        },
      });

      const [block] = output.output?.message?.content ?? [];
      expect(output.stopReason).toBe('tool_use');
      expect(block?.toolUse).toEqual({
        toolUseId: expect.stringMatching(/^tooluse_/),
        name: 'get_weather',
        input: {},
      });
      expect(output.output?.message?.content).toHaveLength(1);
    });

    test('surfaces x-amzn-requestid as $metadata.requestId, on answers and on errors', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });

      const output = await converse(client, {});
      const error = await rejection(converse(client, { modelId: 'no.such-model-v1:0' }));

      const [answered, failed] = sim.requests();
      expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(output.$metadata.requestId).toBe(answered?.requestId);
      expect(error.$metadata?.requestId).toBe(failed?.requestId);
    });
  });

  describe('InvokeModel', () => {
    test('answers an Anthropic Messages body in the Anthropic format', async () => {
      const sim = await startSimulator();
      const { output, json } = await invokeJson(
        runtimeClient(sim, 'us-east-1', { http1 }),
        HAIKU,
        anthropicBody(TOKYO_PROMPT),
      );

      expect(output.contentType).toBe('application/json');
      expect(json).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: 'claude-3-haiku-20240307',
        content: [{ type: 'text', text: 'Tokyo' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: countWords(TOKYO_PROMPT), output_tokens: 1 },
      });
      expect(json.id).toMatch(/^msg_bdrk_/);
    });

    test('answers with the same generated text as Converse for the same prompt', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });

      const conversed = textOf((await converse(client, {})).output?.message?.content);
      const { json } = await invokeJson(client, HAIKU, anthropicBody(OPEN_QUESTION));

      expect(json.content[0]!.text).toBe(conversed);
      expect(json.usage.output_tokens).toBe(countWords(conversed));
    });

    test('truncates an Anthropic answer at max_tokens and names the stop sequence that ended one', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const full = (await invokeJson(client, HAIKU, anthropicBody(OPEN_QUESTION))).json.content[0]!
        .text as string;
      const stop = full.split(' ')[3]!;

      const truncated = (await invokeJson(client, HAIKU, anthropicBody(OPEN_QUESTION, { max_tokens: 3 })))
        .json;
      const stopped = (
        await invokeJson(client, HAIKU, anthropicBody(OPEN_QUESTION, { stop_sequences: [stop] }))
      ).json;

      expect(truncated).toMatchObject({ stop_reason: 'max_tokens', usage: { output_tokens: 3 } });
      expect(full.startsWith(truncated.content[0]!.text)).toBe(true);
      expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: stop });
      expect(stopped.content[0]!.text).toBe(full.slice(0, full.indexOf(stop)));
    });

    test('continues an assistant prefill in an Anthropic body', async () => {
      const sim = await startSimulator(LONG_ANSWERS);
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const full = (await invokeJson(client, HAIKU, anthropicBody(OPEN_QUESTION))).json.content[0]!.text;
      const prefill = firstWords(full, 6);

      const { output, json } = await invokeJson(
        client,
        HAIKU,
        prefilledAnthropicBody(OPEN_QUESTION, prefill),
      );

      const continuation = json.content[0]!.text;
      expect(prefill + continuation).toBe(full);
      expect(json).toMatchObject({
        stop_reason: 'end_turn',
        usage: {
          input_tokens: countWords(`${OPEN_QUESTION} ${prefill}`),
          output_tokens: countWords(continuation),
        },
      });
      expect(countWords(continuation)).toBe(60 - countWords(prefill));
      expect(output.$metadata.httpStatusCode).toBe(200);
    });

    test('rejects an Anthropic prefill that ends in white space with Anthropic’s message', async () => {
      const sim = await startSimulator();
      const error = await rejection(
        invokeJson(
          runtimeClient(sim, 'us-east-1', { http1 }),
          HAIKU,
          prefilledAnthropicBody(OPEN_QUESTION, 'The answer is\n'),
        ),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe('messages: final assistant content cannot end with trailing whitespace');
    });

    test('continues a prefill in a Nova body', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });
      const full = await novaText(client, novaBody(OPEN_QUESTION));
      const prefill = firstWords(full, 4);
      const body = JSON.stringify({
        messages: [
          { role: 'user', content: [{ text: OPEN_QUESTION }] },
          { role: 'assistant', content: [{ text: prefill }] },
        ],
      });

      expect(prefill + (await novaText(client, body))).toBe(full);
    });

    test('answers an Anthropic tool_choice with a tool_use block', async () => {
      const sim = await startSimulator();
      const body = anthropicBody(OPEN_QUESTION, {
        tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
        tool_choice: { type: 'tool', name: 'lookup' },
      });
      const { json } = await invokeJson(runtimeClient(sim, 'us-east-1', { http1 }), HAIKU, body);

      expect(json).toMatchObject({
        stop_reason: 'tool_use',
        content: [{ type: 'tool_use', name: 'lookup', input: {} }],
      });
    });

    test('answers an Amazon Nova body in the Nova format', async () => {
      const sim = await startSimulator();
      const client = runtimeClient(sim, 'us-east-1', { http1 });

      const { output, json } = await invokeJson(client, NOVA, novaBody(TOKYO_PROMPT, { maxTokens: 100 }));
      const truncated = (await invokeJson(client, NOVA, novaBody(OPEN_QUESTION, { maxTokens: 2 }))).json;

      expect(output.contentType).toBe('application/json');
      expect(json).toEqual({
        output: { message: { role: 'assistant', content: [{ text: 'Tokyo' }] } },
        stopReason: 'end_turn',
        usage: {
          inputTokens: countWords(TOKYO_PROMPT),
          outputTokens: 1,
          totalTokens: countWords(TOKYO_PROMPT) + 1,
        },
      });
      expect(truncated).toMatchObject({ stopReason: 'max_tokens', usage: { outputTokens: 2 } });
    });

    test('rejects an Anthropic body without max_tokens as Bedrock does', async () => {
      const sim = await startSimulator();
      const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', messages: userMessage('hi') });
      const error = await rejection(invokeJson(runtimeClient(sim, 'us-east-1', { http1 }), HAIKU, body));

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toMatch(/^Malformed input request: #: required key \[max_tokens\] not found/);
    });
  });

  describe('model identifiers', () => {
    const PROFILE = `us.${HAIKU}`;
    test.each([
      { form: 'a plain model id', modelId: HAIKU, capacityKey: `on-demand:us-east-1:${HAIKU}` },
      {
        form: 'a foundation-model ARN',
        modelId: `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`,
        capacityKey: `on-demand:us-east-1:${HAIKU}`,
      },
      { form: 'a Provisioned Throughput ARN', modelId: PT_ARN, capacityKey: `provisioned:${PT_ARN}` },
      {
        form: 'a us. inference profile id',
        modelId: PROFILE,
        capacityKey: `inference-profile:us-east-1:${PROFILE}`,
      },
      {
        form: 'a us. inference profile ARN',
        modelId: `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/${PROFILE}`,
        capacityKey: `inference-profile:us-east-1:${PROFILE}`,
      },
      {
        form: 'a global. inference profile id',
        modelId: `global.${SONNET_4}`,
        capacityKey: `inference-profile:us-east-1:global.${SONNET_4}`,
      },
    ])('Converse and InvokeModel accept $form and draw on its capacity', async ({ modelId, capacityKey }) => {
      const sim = await startWithProvisionedThroughputs();
      const client = runtimeClient(sim, 'us-east-1', { http1 });

      const conversed = await converse(client, { modelId, prompt: TOKYO_PROMPT });
      const { json } = await invokeJson(client, modelId, anthropicBody(TOKYO_PROMPT));

      expect(textOf(conversed.output?.message?.content)).toBe('Tokyo');
      expect(json.content[0]!.text).toBe('Tokyo');
      expect(Object.keys(sim.capacity())).toEqual([capacityKey]);
      expect(sim.requests().map((request) => [request.model, request.outcome])).toEqual([
        [modelId, 'success'],
        [modelId, 'success'],
      ]);
    });

    test('an eu. profile answers in eu-west-1', async () => {
      const sim = await startSimulator();
      const output = await converse(runtimeClient(sim, 'eu-west-1', { http1 }), {
        modelId: `eu.${SONNET_3_7}`,
      });
      expect(output.stopReason).toBe('end_turn');
    });
  });

  describe('errors', () => {
    test('an unknown model id is a ValidationException (400)', async () => {
      const sim = await startSimulator();
      const error = await rejection(
        converse(runtimeClient(sim, 'us-east-1', { http1 }), { modelId: 'acme.nope-v1:0' }),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.$metadata?.httpStatusCode).toBe(400);
      expect(error.$fault).toBe('client');
      expect(error.message).toBe('The provided model identifier is invalid.');
      expect(sim.counters({ region: 'us-east-1' })).toMatchObject([
        { region: 'us-east-1', model: 'acme.nope-v1:0', requests: 1, outcomes: { ValidationException: 1 } },
      ]);
    });

    test('a model served only through profiles refuses on-demand calls with Bedrock’s message', async () => {
      const sim = await startSimulator();
      const error = await rejection(
        converse(runtimeClient(sim, 'us-east-1', { http1 }), { modelId: SONNET_3_7 }),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.$metadata?.httpStatusCode).toBe(400);
      // The real service writes "isn’t" with a typographic apostrophe.
      expect(error.message).toMatch(
        new RegExp(
          `^Invocation of model ID ${SONNET_3_7.replace(/\./g, '\\.')} with on-demand throughput isn[’']t supported\\. ` +
            'Retry your request with the ID or ARN of an inference profile that contains this model\\.$',
        ),
      );
    });

    test('a us. profile called from eu-west-1 is a ValidationException', async () => {
      const sim = await startSimulator();
      const error = await rejection(
        converse(runtimeClient(sim, 'eu-west-1', { http1 }), { modelId: `us.${HAIKU}` }),
      );

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.$metadata?.httpStatusCode).toBe(400);
    });

    test('a foundation-model ARN of another region is a ValidationException', async () => {
      const sim = await startSimulator();
      const modelId = `arn:aws:bedrock:us-west-2::foundation-model/${HAIKU}`;
      const error = await rejection(converse(runtimeClient(sim, 'us-east-1', { http1 }), { modelId }));

      expect(error).toBeInstanceOf(ValidationException);
    });

    test.each([
      { case: 'of another region', region: 'us-west-2', modelId: PT_ARN },
      {
        case: 'that does not exist',
        region: 'us-east-1',
        modelId: `arn:aws:bedrock:us-east-1:${ACCOUNT}:provisioned-model/zzzzzzzzzzzz`,
      },
    ])(
      'a Provisioned Throughput ARN $case is a ResourceNotFoundException (404)',
      async ({ region, modelId }) => {
        const sim = await startWithProvisionedThroughputs();
        const error = await rejection(converse(runtimeClient(sim, region, { http1 }), { modelId }));

        expect(error).toBeInstanceOf(ResourceNotFoundException);
        expect(error.$metadata?.httpStatusCode).toBe(404);
        expect(error.$fault).toBe('client');
      },
    );

    test('a Provisioned Throughput still being created is a ModelNotReadyException (429)', async () => {
      const sim = await startWithProvisionedThroughputs();
      const error = await rejection(
        converse(runtimeClient(sim, 'us-east-1', { http1 }), { modelId: CREATING_PT_ARN }),
      );

      expect(error).toBeInstanceOf(ModelNotReadyException);
      expect(error.$metadata?.httpStatusCode).toBe(429);
      expect(error.$retryable).toEqual({});
    });

    test.each([
      { case: 'no messages', input: { messages: [] }, message: /at least one message is required/ },
      {
        case: 'a first message from the assistant',
        input: { messages: [{ role: 'assistant' as const, content: [{ text: 'hello' }] }] },
        message: /^A conversation must start with a user message/,
      },
      {
        case: 'two user turns in a row',
        input: {
          messages: [
            { role: 'user' as const, content: [{ text: 'hello' }] },
            { role: 'user' as const, content: [{ text: 'are you there?' }] },
          ],
        },
        message: /^A conversation must alternate between user and assistant roles\./,
      },
      {
        case: 'maxTokens over the model limit',
        input: { inferenceConfig: { maxTokens: 4097 } },
        message: /^The maximum tokens you requested exceeds the model limit of 4096\./,
      },
      {
        case: 'a temperature above 1',
        input: { inferenceConfig: { temperature: 1.5 } },
        message: /temperature/,
      },
    ])('Converse with $case is a ValidationException', async ({ input, message }) => {
      const sim = await startSimulator();
      const error = await rejection(converse(runtimeClient(sim, 'us-east-1', { http1 }), input));

      expect(error).toBeInstanceOf(ValidationException);
      expect(error.$metadata?.httpStatusCode).toBe(400);
      expect(error.message).toMatch(message);
    });
  });
});

describe('regions', () => {
  test('clients of three regions on one simulator land in separate per-region counters', async () => {
    const sim = await startSimulator();
    const calls = { 'us-east-1': 1, 'us-west-2': 2, 'eu-west-1': 3 };
    for (const [region, count] of Object.entries(calls)) {
      const client = runtimeClient(sim, region);
      for (let index = 0; index < count; index++) await converse(client, {});
    }

    for (const [region, count] of Object.entries(calls)) {
      expect(sim.counters({ region })).toMatchObject([
        { region, model: HAIKU, requests: count, outcomes: { success: count } },
      ]);
    }
    expect(Object.keys(sim.capacity()).sort()).toEqual([
      `on-demand:eu-west-1:${HAIKU}`,
      `on-demand:us-east-1:${HAIKU}`,
      `on-demand:us-west-2:${HAIKU}`,
    ]);
  });

  test('a Provisioned Throughput ARN answers only in its own region', async () => {
    const sim = await startWithProvisionedThroughputs();

    await converse(runtimeClient(sim, 'us-east-1'), { modelId: PT_ARN });
    await rejection(converse(runtimeClient(sim, 'us-west-2'), { modelId: PT_ARN }));

    expect(sim.counters({ model: PT_ARN }).map(({ region, outcomes }) => [region, outcomes])).toEqual([
      ['us-east-1', { success: 1 }],
      ['us-west-2', { ResourceNotFoundException: 1 }],
    ]);
  });
});

describe('bearer-token auth', () => {
  test('the SDK sends Authorization: Bearer and the request lands in defaultRegion', async () => {
    const sim = await startSimulator({ defaultRegion: 'eu-central-1' });
    const client = runtimeClient(sim, 'us-west-2', { token: 'bedrock-api-key-example' });
    let authorization: string | undefined;
    const captureAuthorization: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> =
      (next) => async (args) => {
        const { headers } = args.request as { headers: Record<string, string> };
        authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
        return next(args);
      };
    // Runs inside the signing middleware, so it sees the request as signed.
    client.middlewareStack.addRelativeTo(captureAuthorization, {
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
      name: 'captureAuthorization',
    });

    const output = await converse(client, { prompt: TOKYO_PROMPT });

    expect(authorization).toBe('Bearer bedrock-api-key-example');
    expect(textOf(output.output?.message?.content)).toBe('Tokyo');
    expect(sim.requests().at(-1)?.region).toBe('eu-central-1');
  });

  test('the x-bedrock-sim-region header chooses the region of a bearer-token request', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-west-2', { token: 'bedrock-api-key-example', http1: true });
    const addRegionHeader: BuildMiddleware<ServiceInputTypes, ServiceOutputTypes> =
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-bedrock-sim-region'] =
          'ap-northeast-1';
        return next(args);
      };
    client.middlewareStack.add(addRegionHeader, { step: 'build', name: 'simRegionHeader' });

    await converse(client, { modelId: `apac.${HAIKU}` });

    expect(sim.counters({ region: 'ap-northeast-1' })).toHaveLength(1);
    expect(sim.counters({ region: 'us-east-1' })).toEqual([]);
  });

  test('a plain HTTP/1.1 client with a bearer token gets a Converse answer', async () => {
    const sim = await startSimulator({ defaultRegion: 'us-west-2' });
    const response = await fetch(`${sim.url}/model/${encodeURIComponent(HAIKU)}/converse`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: JSON.stringify({ messages: userMessage(TOKYO_PROMPT) }),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-requestid')).toBe(sim.requests().at(-1)?.requestId);
    expect(await response.json()).toMatchObject({ output: { message: { content: [{ text: 'Tokyo' }] } } });
    expect(sim.requests().at(-1)?.region).toBe('us-west-2');
  });
});

describe('request size', () => {
  test('a body over 25 MiB gets a ValidationException, not a server error', async () => {
    const sim = await startSimulator();
    const client = runtimeClient(sim, 'us-east-1');
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x'.repeat(26 * 1024 * 1024) }],
    });
    const thrown = await rejection(client.send(new InvokeModelCommand({ modelId: HAIKU, body })));
    expect(thrown).toBeInstanceOf(ValidationException);
    expect(thrown.$metadata?.httpStatusCode).toBe(400);
    expect(thrown.message).toContain('exceeds the maximum');
  });
});
