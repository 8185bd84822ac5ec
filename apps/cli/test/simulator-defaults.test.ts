import type { Simulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli } from './cli-process.js';
import { PT_ARN, startSeedSimulator } from './seed-simulator.js';

const PROMPT = 'what is the largest city in the world?';

// A newcomer's machine: no AWS_* variables, no ~/.aws, nothing set up.
describe('against a local simulator, commands need no AWS setup', () => {
  let simulator: Simulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    simulator = await startSeedSimulator();
    env = cleanEnv(await emptyHome());
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('converse answers with no credentials configured', async () => {
    const { code, stdout, stderr } = await runCli(
      ['converse', '--endpoint-url', simulator.url, '--provisioned-arn', PT_ARN, PROMPT],
      { env },
    );
    expect(stderr).toMatch(/^served by provisioned /m);
    expect(stdout).toBe('Tokyo\n');
    expect(code).toBe(0);
  });

  it('provision create and list work with no credentials and no region (us-east-1)', async () => {
    const create = await runCli(
      [
        'provision',
        '--endpoint-url',
        simulator.url,
        'create',
        '--model-id',
        'anthropic.claude-3-haiku-20240307-v1:0:48k',
        '--name',
        'newcomer-pt',
      ],
      { env },
    );
    expect(create.stderr).not.toMatch(/error/);
    expect(create.stdout).toMatch(/^Creating newcomer-pt: arn:aws:bedrock:us-east-1:/m);
    expect(create.code).toBe(0);
    const list = await runCli(['provision', 'list', '--endpoint-url', simulator.url], { env });
    expect(list.stdout).toMatch(/^newcomer-pt\s/m);
    expect(list.code).toBe(0);
  });

  it('doctor names the placeholder credentials instead of failing the credentials check', async () => {
    const { code, stdout } = await runCli(
      ['doctor', '--endpoint-url', simulator.url, '--provisioned-arn', PT_ARN],
      { env },
    );
    expect(stdout).toMatch(
      /^ok\s+credentials\s+placeholder credentials \(the simulator at http:\/\/127\.0\.0\.1:\d+ checks none\)/m,
    );
    expect(stdout).toMatch(
      /^ok\s+provisioned throughput\s+provisioned \(us-east-1\)\s+ha-test-model: InService/m,
    );
    expect(code).toBe(0);
  });

  it('still uses credentials the user chose: a --profile that does not exist fails', async () => {
    const { code, stderr } = await runCli(
      [
        'converse',
        '--endpoint-url',
        simulator.url,
        '--provisioned-arn',
        PT_ARN,
        '--profile',
        'nobody',
        PROMPT,
      ],
      { env },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/no AWS credentials found/);
  });

  it('--verbose says why no credentials were needed', async () => {
    const { stderr } = await runCli(
      ['converse', '--verbose', '--endpoint-url', simulator.url, '--provisioned-arn', PT_ARN, PROMPT],
      { env },
    );
    expect(stderr).toContain(
      `${simulator.url} is a bedrock-ha simulator: signing with placeholder credentials`,
    );
  });
});

describe('--endpoint-url without a scheme', () => {
  it.each([
    ['127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['localhost:4010', 'http://localhost:4010'],
  ])('%s is a usage error naming the flag and the fix', async (value, fixed) => {
    const { code, stderr } = await runCli(
      ['converse', '--endpoint-url', value, '--provisioned-arn', PT_ARN, PROMPT],
      {
        env: cleanEnv(await emptyHome()),
      },
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`option '--endpoint-url <url>' argument '${value}' is invalid`);
    expect(stderr).toContain(`e.g. ${fixed}`);
    expect(stderr).not.toContain('client.endpoint');
  });
});
