/**
 * The simulator's fidelity contract: one set of checks, run against the simulator always and against
 * real Amazon Bedrock when `BEDROCK_HA_REAL_AWS=1` (costs a few cents; uses the default credential
 * chain, region `BEDROCK_HA_REAL_AWS_REGION` or us-east-1, and needs access to Claude 3 Haiku).
 * A check that passes here and fails against AWS is a simulator bug to fix.
 */
import {
  BedrockClient,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ListProvisionedModelThroughputsCommand,
} from '@aws-sdk/client-bedrock';
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  BedrockRuntimeClient as RuntimeClient,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Simulator, startSimulator } from '../src/index.js';
import {
  CREDENTIALS,
  drain,
  eventName,
  HAIKU,
  rejection,
  SONNET_3_7,
  TOKYO_PROMPT,
  userMessage,
} from './sdk.js';

interface Target {
  name: string;
  /** Skipped unless opted in. */
  skip: boolean;
  region: string;
  runtime(): BedrockRuntimeClient;
  control(): BedrockClient;
}

const realRegion = process.env.BEDROCK_HA_REAL_AWS_REGION ?? 'us-east-1';
let sim: Simulator;
const targets: Target[] = [
  {
    name: 'simulator',
    skip: false,
    region: 'us-east-1',
    runtime: () =>
      new RuntimeClient({ region: 'us-east-1', endpoint: sim.url, credentials: CREDENTIALS, maxAttempts: 1 }),
    control: () =>
      new BedrockClient({ region: 'us-east-1', endpoint: sim.url, credentials: CREDENTIALS, maxAttempts: 1 }),
  },
  {
    name: 'real Amazon Bedrock (BEDROCK_HA_REAL_AWS=1)',
    skip: process.env.BEDROCK_HA_REAL_AWS !== '1',
    region: realRegion,
    runtime: () => new RuntimeClient({ region: realRegion, maxAttempts: 3 }),
    control: () => new BedrockClient({ region: realRegion, maxAttempts: 3 }),
  },
];

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const anthropic = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 50,
    messages: [{ role: 'user', content: TOKYO_PROMPT }],
    ...extra,
  });

for (const target of targets) {
  describe.skipIf(target.skip)(`Bedrock contract: ${target.name}`, () => {
    test('Converse answers with the documented shape and consistent usage', async () => {
      const output = await target
        .runtime()
        .send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(TOKYO_PROMPT) }));
      expect(output.output?.message?.role).toBe('assistant');
      expect(output.output?.message?.content?.[0]?.text).toMatch(/Tokyo/);
      expect(output.stopReason).toBe('end_turn');
      const usage = output.usage!;
      expect(usage.inputTokens).toBeGreaterThan(0);
      expect(usage.outputTokens).toBeGreaterThan(0);
      expect(usage.totalTokens).toBe(usage.inputTokens! + usage.outputTokens!);
      expect(output.metrics?.latencyMs).toBeGreaterThanOrEqual(0);
      expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    });

    test('ConverseStream sends messageStart, text deltas, contentBlockStop, messageStop, metadata', async () => {
      const output = await target
        .runtime()
        .send(new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(TOKYO_PROMPT) }));
      const { events, error } = await drain(output.stream);
      expect(error).toBeUndefined();
      const names = events.map(eventName);
      expect(names[0]).toBe('messageStart');
      expect(names.slice(-3)).toEqual(['contentBlockStop', 'messageStop', 'metadata']);
      expect(
        names.slice(1, -3).every((name) => name === 'contentBlockDelta' || name === 'contentBlockStart'),
      ).toBe(true);
      const text = events.map((event) => event.contentBlockDelta?.delta?.text ?? '').join('');
      expect(text).toMatch(/Tokyo/);
    });

    test('InvokeModel takes and returns the Anthropic Messages body', async () => {
      const output = await target
        .runtime()
        .send(new InvokeModelCommand({ modelId: HAIKU, body: anthropic(), contentType: 'application/json' }));
      const body = JSON.parse(output.body.transformToString());
      expect(output.contentType).toBe('application/json');
      expect(body).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
      expect(body.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/Tokyo/) });
      expect(body.usage).toEqual({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    });

    test('InvokeModelWithResponseStream streams Anthropic events, metrics in the last chunk', async () => {
      const output = await target.runtime().send(
        new InvokeModelWithResponseStreamCommand({
          modelId: HAIKU,
          body: anthropic(),
          contentType: 'application/json',
        }),
      );
      const { events, error } = await drain(output.body);
      expect(error).toBeUndefined();
      const chunks = events.map((event) => JSON.parse(Buffer.from(event.chunk!.bytes!).toString()));
      const types = chunks.map((chunk) => chunk.type);
      expect(types[0]).toBe('message_start');
      expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
      expect(chunks.at(-1)['amazon-bedrock-invocationMetrics']).toMatchObject({
        inputTokenCount: expect.any(Number),
        outputTokenCount: expect.any(Number),
      });
    });

    test('an unknown model id is a ValidationException naming the identifier as invalid', async () => {
      const thrown = await rejection(
        target
          .runtime()
          .send(
            new ConverseCommand({ modelId: 'anthropic.no-such-model-v1:0', messages: userMessage('hi') }),
          ),
      );
      expect(thrown).toBeInstanceOf(ValidationException);
      expect(thrown.$metadata?.httpStatusCode).toBe(400);
      expect(thrown.message).toBe('The provided model identifier is invalid.');
    });

    test('a profile-only model called on demand says to use an inference profile', async () => {
      const thrown = await rejection(
        target.runtime().send(new ConverseCommand({ modelId: SONNET_3_7, messages: userMessage('hi') })),
      );
      expect(thrown).toBeInstanceOf(ValidationException);
      expect(thrown.message).toMatch(/with on-demand throughput isn.t supported/);
    });

    test('Converse refuses two user turns in a row: roles must alternate', async () => {
      const messages = [...userMessage('hello'), ...userMessage('are you there?')];
      const thrown = await rejection(
        target.runtime().send(new ConverseCommand({ modelId: HAIKU, messages })),
      );
      expect(thrown).toBeInstanceOf(ValidationException);
      expect(thrown.message).toMatch(/^A conversation must alternate between user and assistant roles/);
    });

    test('an Anthropic body without max_tokens is a malformed input request', async () => {
      const body = JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        messages: [{ role: 'user', content: 'hi' }],
      });
      const thrown = await rejection(
        target
          .runtime()
          .send(new InvokeModelCommand({ modelId: HAIKU, body, contentType: 'application/json' })),
      );
      expect(thrown).toBeInstanceOf(ValidationException);
      expect(thrown.message).toMatch(/^Malformed input request: .*max_tokens/);
    });

    test('the control plane describes models, profiles and Provisioned Throughputs', async () => {
      const control = target.control();
      const model = await control.send(new GetFoundationModelCommand({ modelIdentifier: HAIKU }));
      expect(model.modelDetails).toMatchObject({
        modelId: HAIKU,
        providerName: 'Anthropic',
        responseStreamingSupported: true,
        modelArn: `arn:aws:bedrock:${target.region}::foundation-model/${HAIKU}`,
      });
      const profile = await control.send(
        new GetInferenceProfileCommand({ inferenceProfileIdentifier: `us.${HAIKU}` }),
      );
      expect(profile).toMatchObject({
        inferenceProfileId: `us.${HAIKU}`,
        status: 'ACTIVE',
        type: 'SYSTEM_DEFINED',
      });
      expect(profile.models!.length).toBeGreaterThan(1);
      const list = await control.send(new ListProvisionedModelThroughputsCommand({}));
      expect(Array.isArray(list.provisionedModelSummaries)).toBe(true);
    });
  });
}
