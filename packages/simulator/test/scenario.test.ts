import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetProvisionedModelThroughputCommand } from '@aws-sdk/client-bedrock';
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ServiceUnavailableException,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, type Simulator, SimulatorConfigError, startSimulator } from '../src/index.js';
import { controlPlaneClient, pollUntil, rejectionOf } from './control-plane-client.js';
import { HAIKU, NOVA, runtimeClient, userMessage } from './sdk.js';

const PT_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/scenario0001';

let directory: string;
let sim: Simulator | undefined;
let clients: { destroy(): void }[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'bedrock-ha-scenario-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

afterEach(async () => {
  for (const client of clients) client.destroy();
  clients = [];
  await sim?.close();
  sim = undefined;
});

async function scenarioFile(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

function runtime(started: Simulator, region = 'us-east-1'): BedrockRuntimeClient {
  const client = runtimeClient(started, region);
  clients.push(client);
  return client;
}

function ask(client: BedrockRuntimeClient, modelId: string, question: string) {
  return client.send(new ConverseCommand({ modelId, messages: userMessage(question) }));
}

const YAML_SCENARIO = `
# Everything a test scenario typically declares.
seed: 7
provisionedThroughputs:
  - name: scenario-pt
    region: us-east-1
    modelId: ${HAIKU}:48k
    id: scenario0001
    modelUnits: 2
quotas:
  overrides:
    - model: ${NOVA}
      region: us-east-1
      requestsPerMinute: 1
models:
  "*":
    outputTokens: 5
answers:
  - match: favourite colour
    reply: Ultramarine, obviously.
faults:
  - id: second-pt-call
    match:
      model: scenario-pt
    when:
      requests: [2]
    fault:
      type: error
      error: ServiceUnavailableException
      message: scheduled by the scenario
`;

describe('scenario files', () => {
  it('applies a YAML scenario: canned answers, model behaviour, a fixed PT, quota overrides and faults', async () => {
    const path = await scenarioFile('full.yaml', YAML_SCENARIO);
    sim = await startSimulator({ ...(await loadScenario(path)), port: 0 });
    const client = runtime(sim);

    const canned = await ask(client, HAIKU, 'What is your favourite colour?');
    expect(canned.output?.message?.content?.[0]?.text).toBe('Ultramarine, obviously.');

    // No canned answer: generated text, as long as the scenario's models."*".outputTokens.
    const generated = await ask(client, HAIKU, 'Tell me about resilience.');
    expect(generated.usage?.outputTokens).toBe(5);

    // The declared PT is in service under its fixed ARN; its second call meets the scheduled fault.
    const first = await ask(client, PT_ARN, 'What is your favourite colour?');
    expect(first.output?.message?.content?.[0]?.text).toBe('Ultramarine, obviously.');
    const faulted = await rejectionOf(ask(client, PT_ARN, 'again'));
    expect(faulted).toBeInstanceOf(ServiceUnavailableException);
    expect(faulted.message).toBe('scheduled by the scenario');
    await expect(ask(client, PT_ARN, 'and again')).resolves.toBeDefined();
    expect(sim.faults.list()).toEqual([expect.objectContaining({ id: 'second-pt-call', applied: 1 })]);

    // Nova Micro gets one request a minute in us-east-1, and the default elsewhere.
    await ask(client, NOVA, 'one');
    expect(await rejectionOf(ask(client, NOVA, 'two'))).toBeInstanceOf(ThrottlingException);
    await expect(ask(runtime(sim, 'us-west-2'), NOVA, 'two')).resolves.toBeDefined();
  });

  it('applies a JSON scenario, including a PT still being created', async () => {
    const scenario = {
      accountId: '210987654321',
      provisioning: { delayMs: 300 },
      provisionedThroughputs: [
        {
          name: 'json-pt',
          region: 'eu-west-1',
          modelId: `${HAIKU}:200k`,
          id: 'jsonpt000001',
          status: 'Creating',
        },
      ],
      answers: [{ match: 'ping', reply: 'pong' }],
    };
    const path = await scenarioFile('scenario.json', JSON.stringify(scenario, null, 2));
    const loaded = await loadScenario(path);
    expect(loaded).toEqual(scenario);

    sim = await startSimulator(loaded);
    const arn = 'arn:aws:bedrock:eu-west-1:210987654321:provisioned-model/jsonpt000001';
    const control = controlPlaneClient(sim, 'eu-west-1');
    clients.push(control);
    const pt = await control.send(
      new GetProvisionedModelThroughputCommand({ provisionedModelId: 'json-pt' }),
    );
    expect(pt).toMatchObject({ provisionedModelArn: arn, status: 'Creating' });

    const client = runtime(sim, 'eu-west-1');
    expect((await rejectionOf(ask(client, arn, 'ping'))).name).toBe('ModelNotReadyException');
    await pollUntil(
      () => control.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: arn })),
      (each) => each.status === 'InService',
    );
    const answer = await ask(client, arn, 'ping');
    expect(answer.output?.message?.content?.[0]?.text).toBe('pong');
  });

  it('treats an empty scenario file as every default', async () => {
    const path = await scenarioFile('empty.yaml', '# nothing declared yet\n');
    expect(await loadScenario(path)).toEqual({});
    sim = await startSimulator(await loadScenario(path));
    const answer = await ask(runtime(sim), HAIKU, 'capital of France?');
    expect(answer.output?.message?.content?.[0]?.text).toBe('Paris');
  });
});

describe('invalid scenarios', () => {
  it.each([
    {
      what: 'an unknown top-level key',
      name: 'typo.yaml',
      text: 'fautls: []\n',
      expected: ['fautls: unknown key'],
    },
    {
      what: 'an unknown key inside a PT',
      name: 'pt-typo.yaml',
      text: `provisionedThroughputs:\n  - { name: pt, region: us-east-1, modelId: ${HAIKU}, units: 2 }\n`,
      expected: ['provisionedThroughputs.0.units: unknown key'],
    },
    {
      what: 'a value of the wrong type',
      name: 'type.json',
      text: '{ "port": "4010" }',
      expected: ['port:', 'expected number, received string'],
    },
    {
      what: 'a fault with an unknown error name',
      name: 'fault.yaml',
      text: 'faults:\n  - fault: { type: error, error: TeapotException }\n',
      expected: ['faults.0.fault.error:', 'expected one of', '"ThrottlingException"'],
    },
    {
      what: 'a PT id of the wrong shape',
      name: 'pt-id.yaml',
      text: `provisionedThroughputs:\n  - { name: pt, region: us-east-1, modelId: ${HAIKU}, id: ABC }\n`,
      expected: ['provisionedThroughputs.0.id: must be 12 lowercase letters or digits'],
    },
  ])(
    'rejects $what with a SimulatorConfigError naming the file, the path and what was expected',
    async ({ name, text, expected }) => {
      const path = await scenarioFile(name, text);
      const error = await rejectionOf(loadScenario(path));
      expect(error).toBeInstanceOf(SimulatorConfigError);
      expect(error.message).toContain(`scenario file ${path}`);
      for (const part of expected) expect(error.message).toContain(part);
      expect((error as unknown as SimulatorConfigError).problems).toEqual([
        expect.stringContaining(expected[0]!),
      ]);
    },
  );

  it('lists every problem of a scenario at once', async () => {
    const path = await scenarioFile('many.yaml', 'seed: 1.5\nrequestLogSize: -1\nanswers: [{ match: "" }]\n');
    const error = (await rejectionOf(loadScenario(path))) as unknown as SimulatorConfigError;
    expect(error.problems.map((problem) => problem.split(':')[0])).toEqual([
      'seed',
      'answers.0.match',
      'answers.0.reply',
      'requestLogSize',
    ]);
  });

  it('rejects bad YAML syntax with the file and the line', async () => {
    const path = await scenarioFile('broken.yaml', 'faults:\n  - match: { model: [unclosed\n');
    const error = await rejectionOf(loadScenario(path));
    expect(error).toBeInstanceOf(SimulatorConfigError);
    expect(error.message).toContain(`scenario file ${path} is not valid YAML`);
    expect(error.message).toMatch(/line \d+/);
  });

  it('rejects bad JSON syntax in a .json file as JSON, not YAML', async () => {
    const path = await scenarioFile('broken.json', '{ "seed": 1, }');
    const error = await rejectionOf(loadScenario(path));
    expect(error).toBeInstanceOf(SimulatorConfigError);
    expect(error.message).toContain(`scenario file ${path} is not valid JSON`);
  });

  it('rejects a scenario that is not a mapping', async () => {
    const path = await scenarioFile('list.yaml', '- just\n- a list\n');
    const error = await rejectionOf(loadScenario(path));
    expect(error).toBeInstanceOf(SimulatorConfigError);
    expect(error.message).toContain('(root): Invalid input: expected object, received array');
  });

  it('rejects a missing file with a SimulatorConfigError naming it', async () => {
    const path = join(directory, 'does-not-exist.yaml');
    const error = await rejectionOf(loadScenario(path));
    expect(error).toBeInstanceOf(SimulatorConfigError);
    expect(error.message).toContain(`cannot read scenario file ${path}`);
    expect(error.message).toContain('ENOENT');
  });
});

describe('invalid options to startSimulator', () => {
  it('throws a SimulatorConfigError naming each bad option and starts nothing', async () => {
    const error = await rejectionOf(
      startSimulator({
        port: 70_000,
        accountId: '123',
        faults: [{ match: { operation: 'Converze' as never }, fault: { type: 'hang' } }],
      }),
    );
    expect(error).toBeInstanceOf(SimulatorConfigError);
    expect(error.message).toMatch(/^invalid simulator options:/);
    const problems = (error as unknown as SimulatorConfigError).problems;
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'port',
      'accountId',
      'faults.0.match.operation',
    ]);
    expect(problems[1]).toBe('accountId: must be 12 digits');
  });

  it('names an unknown option by its path', async () => {
    const error = await rejectionOf(startSimulator({ provisioning: { delay: 5 } } as never));
    expect(error).toBeInstanceOf(SimulatorConfigError);
    expect((error as unknown as SimulatorConfigError).problems).toEqual(['provisioning.delay: unknown key']);
  });
});

describe('Provisioned Throughputs declared in options', () => {
  it.each([
    ['an unknown model', { modelId: 'anthropic.claude-9' }, 'does not support Provisioned Throughput'],
    [
      'a model without PT variants',
      { modelId: 'anthropic.claude-sonnet-4-20250514-v1:0' },
      'Provisioned Throughput',
    ],
  ])('rejects %s with a SimulatorConfigError at the entry’s path', async (_what, entry, expected) => {
    const error = await rejectionOf(
      startSimulator({
        provisionedThroughputs: [
          { name: 'ok', region: 'us-east-1', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
          { name: 'bad', region: 'us-east-1', ...entry },
        ],
      }),
    );
    expect(error).toBeInstanceOf(SimulatorConfigError);
    expect((error as unknown as SimulatorConfigError).problems).toEqual([
      expect.stringMatching(new RegExp(`^provisionedThroughputs\\.1: .*${expected}`)),
    ]);
  });

  it('rejects two PTs with the same name in one region', async () => {
    const haiku = 'anthropic.claude-3-haiku-20240307-v1:0';
    const error = await rejectionOf(
      startSimulator({
        provisionedThroughputs: [
          { name: 'twin', region: 'us-east-1', modelId: haiku },
          { name: 'twin', region: 'us-east-1', modelId: haiku },
        ],
      }),
    );
    expect(error).toBeInstanceOf(SimulatorConfigError);
    expect(error.message).toContain(
      'provisionedThroughputs.1: A provisioned model throughput with the name twin already exists.',
    );
  });
});
