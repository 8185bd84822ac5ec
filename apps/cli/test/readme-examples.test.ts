import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FaultRuleInput, loadScenario, type Simulator, startSimulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, TEST_CREDENTIALS } from './cli-process.js';
import { startIncompleteSignatureStub } from './incomplete-signature-stub.js';
import { binaryShim, normalize, type ReadmeExample, readmeExamples, runLine } from './readme-examples.js';
import { PT_ARN } from './seed-simulator.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PT_THROTTLES: FaultRuleInput = {
  match: { model: PT_ARN },
  fault: { type: 'error', error: 'ThrottlingException' },
};

/** What an example needs around it; the README's prose says the same to its readers. */
interface Setup {
  /** Faults the simulator injects while the example runs. */
  readonly faults?: readonly FaultRuleInput[];
  /** Files in the example's working directory. */
  readonly files?: Readonly<Record<string, string>>;
  /** `bedrock-ha ...` lines run first, in the same directory. */
  readonly prepare?: readonly string[];
  /** Variables beyond a clean environment (no AWS setup at all). */
  readonly env?: Readonly<Record<string, string>>;
  /** `every-line`: each shown line appears (the demo's order of events varies); default: all, in order. */
  readonly compare?: 'every-line';
  /** Run in a pseudo-terminal, answering its question with this. */
  readonly terminal?: string;
  /** Run from the repository's root, as the README's paths to scenarios assume. */
  readonly fromRepo?: boolean;
}

const CUT_YAML = [
  'chains:',
  '  main:',
  '    endpoints:',
  `      - { id: haiku-west, region: us-west-2, modelId: ${HAIKU} }`,
].join('\n');
const CUT_FAULT: FaultRuleInput = {
  match: { region: 'us-west-2', operation: 'ConverseStream' },
  fault: { type: 'stream-cut', afterEvents: 5, mode: 'reset' },
};
const BROKEN_YAML = [
  'chains:',
  '  main:',
  '    endpoints:',
  `      - { region: us-west, modelId: ${HAIKU}, retries: 3 }`,
].join('\n');
const TIGHT_YAML = [
  'chains:',
  '  main:',
  '    deadlineMs: 30000',
  '    endpoints:',
  `      - { id: east, region: us-east-1, modelId: ${HAIKU} }`,
  `      - { id: west, region: us-west-2, modelId: ${HAIKU} }`,
].join('\n');
const OWN_PROFILE_YAML = [
  'chains:',
  '  main:',
  '    endpoints:',
  `      - { id: haiku-west, region: us-west-2, modelId: ${HAIKU} }`,
  `      - { id: haiku-east, region: us-east-1, modelId: ${HAIKU}, client: { profile: nonexistentprofile } }`,
].join('\n');

/** Every example of the README, by its command line. A new example needs an entry here. */
const SETUPS: Record<string, Setup> = {
  'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE bedrock-ha provision list --endpoint-url $SERVER_ANSWERING_LIKE_AWS --region us-east-1':
    { env: { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
  'bedrock-ha converse --endpoint-url $SIM --region eu-west-1 --provisioned-arn arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456 "hi"':
    {},
  'bedrock-ha converse --endpoint-url $SIM --region eu-west-1 --config bedrock-ha.yaml "what is the largest city in the world? only give the answer with no details"':
    { prepare: ['bedrock-ha config init'] },
  'bedrock-ha demo': { compare: 'every-line' },
  'bedrock-ha demo --reactive': { compare: 'every-line' },
  'bedrock-ha demo --scenario packages/simulator/scenarios/mid-stream-cut.yaml --stream --requests 4': {
    compare: 'every-line',
    fromRepo: true,
  },
  'bedrock-ha converse --endpoint-url $SIM --provisioned-arn $PT "what is the largest city in the world? only give the answer with no details"':
    {},
  'echo "what is the largest city in the world?" | bedrock-ha converse --endpoint-url $SIM --provisioned-arn $PT --repeat 3':
    {},
  'bedrock-ha converse --endpoint-url $SIM --provisioned-arn $PT --json "what is the largest city in the world?"':
    { faults: [PT_THROTTLES] },
  'bedrock-ha converse --endpoint-url $SIM --provisioned-arn $PT "what is the largest city in the world?"': {
    faults: [
      PT_THROTTLES,
      { match: { region: 'us-west-2' }, fault: { type: 'error', error: 'ServiceUnavailableException' } },
    ],
  },
  'bedrock-ha converse --stream --endpoint-url $SIM --config cut.yaml "Write a long story about a lighthouse keeper and the sea."':
    { files: { 'cut.yaml': CUT_YAML }, faults: [CUT_FAULT] },
  'bedrock-ha converse --stream --json --endpoint-url $SIM --config cut.yaml "Write a long story about a lighthouse keeper and the sea."':
    { files: { 'cut.yaml': CUT_YAML }, faults: [CUT_FAULT], compare: 'every-line' },
  'bedrock-ha provision --endpoint-url $SIM create --model-id anthropic.claude-3-haiku-20240307-v1:0:48k --name my-pt --units 1':
    {},
  // How many "Creating" progress lines come before InService depends on the machine's speed.
  'bedrock-ha provision --endpoint-url $SIM wait my-pt --poll-interval 250': { compare: 'every-line' },
  'bedrock-ha provision --endpoint-url $SIM status my-pt': {},
  'bedrock-ha provision --endpoint-url $SIM list': {},
  'bedrock-ha provision --endpoint-url $SIM delete my-pt': {},
  'bedrock-ha provision --endpoint-url $SIM delete my-pt --yes': {},
  'bedrock-ha provision --endpoint-url $SIM delete my-pt          # on a terminal, answering n': {
    terminal: 'n\n',
  },
  'bedrock-ha doctor --endpoint-url $SIM --provisioned-arn $PT': {},
  'bedrock-ha doctor --endpoint-url $SIM --provisioned-arn $PT --probe': {},
  'bedrock-ha doctor --endpoint-url $SIM --config bedrock-ha.yaml': { prepare: ['bedrock-ha config init'] },
  'bedrock-ha doctor --provisioned-arn $PT': {},
  'bedrock-ha doctor --endpoint-url $SIM --config own-profile.yaml': {
    files: { 'own-profile.yaml': OWN_PROFILE_YAML },
    env: TEST_CREDENTIALS,
  },
  // Refused before it listens, so it runs here like any other example.
  'BEDROCK_HA_API_KEYS=" , ," bedrock-ha serve --config bedrock-ha.yaml': {
    prepare: ['bedrock-ha config init'],
  },
  'bedrock-ha config init': {},
  'bedrock-ha config validate': { prepare: ['bedrock-ha config init'] },
  'bedrock-ha config validate broken.yaml': { files: { 'broken.yaml': BROKEN_YAML } },
  'bedrock-ha config validate --strict tight.yaml': { files: { 'tight.yaml': TIGHT_YAML } },
};

// `simulate` and `serve` run until stopped: they have tests of their own (simulate.test.ts,
// serve.test.ts), and the lines run here talk to the simulator this test starts, as `$SIM`.
const LONG_RUNNING = /^bedrock-ha (simulate|serve) |^curl /;

describe('the README examples run as written', async () => {
  const examples = await readmeExamples(README);
  let simulator: Simulator;
  let stub: Server;
  let env: Record<string, string>;

  beforeAll(async () => {
    // What `bedrock-ha simulate --scenario packages/simulator/scenarios/seed-walkthrough.yaml` runs.
    const scenario = await loadScenario(join(REPO, 'packages/simulator/scenarios/seed-walkthrough.yaml'));
    simulator = await startSimulator({ ...scenario, port: 0 });
    stub = await startIncompleteSignatureStub();
    const shim = await binaryShim();
    env = cleanEnv(await emptyHome(), {
      PATH: `${shim}:${process.env.PATH ?? ''}`,
      SIM: simulator.url,
      PT: PT_ARN,
      SERVER_ANSWERING_LIKE_AWS: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
    });
  });
  afterAll(async () => {
    await simulator?.close();
    await new Promise((resolve) => stub?.close(resolve));
  });

  it('has a setup for every example, and no setup for an example that is gone', () => {
    const commands = examples
      .map((example) => example.command)
      .filter((command) => !LONG_RUNNING.test(command));
    expect(commands.filter((command) => SETUPS[command] === undefined)).toEqual([]);
    expect(Object.keys(SETUPS).filter((command) => !commands.includes(command))).toEqual([]);
  });

  // In README order: the provision examples build on each other.
  for (const example of examples.filter((candidate) => !LONG_RUNNING.test(candidate.command))) {
    it(example.command, async () => {
      const setup = SETUPS[example.command];
      if (setup === undefined) return;
      await runExample(example, setup);
    }, 60_000);
  }

  async function runExample(example: ReadmeExample, setup: Setup): Promise<void> {
    const cwd = setup.fromRepo ? REPO : await mkdtemp(join(tmpdir(), 'bedrock-ha-readme-'));
    for (const [name, content] of Object.entries(setup.files ?? {}))
      await writeFile(join(cwd, name), content);
    const lineEnv = { ...env, ...setup.env };
    for (const line of setup.prepare ?? []) {
      expect((await runLine(line, { env: lineEnv, cwd })).code).toBe(0);
    }
    for (const fault of setup.faults ?? []) simulator.faults.add(fault);
    try {
      const { code, output } = await runLine(example.command, {
        env: lineEnv,
        cwd,
        ...(setup.terminal === undefined ? {} : { terminal: true, input: setup.terminal }),
      });
      const shown = normalize(example.output, PT_ARN);
      const printed = normalize(output.split('\n'), PT_ARN);
      if (setup.compare === 'every-line') {
        for (const line of shown.filter(
          (candidate) => candidate !== '...' && !candidate.includes('[ ... ]'),
        )) {
          expect(printed, `README line: ${line}`).toContain(line);
        }
      } else {
        expect(printed).toEqual(shown);
      }
      if (example.exitCode !== undefined) expect(code).toBe(example.exitCode);
    } finally {
      simulator.faults.clear();
    }
  }
});
