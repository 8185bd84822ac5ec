import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Simulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli, TEST_CREDENTIALS } from './cli-process.js';
import { closedUrl, PT_ARN, startSeedSimulator } from './seed-simulator.js';

const PROMPT = 'what is the largest city in the world? only give the answer with no details';
// A prompt the simulator answers at length, so that a stream can break in the middle.
const LONG_PROMPT = 'Write a long story about a lighthouse keeper and the sea.';

describe('bedrock-ha converse', () => {
  let simulator: Simulator;
  let home: string;
  let env: Record<string, string>;
  let seed: string[];

  beforeAll(async () => {
    simulator = await startSeedSimulator();
    home = await emptyHome();
    env = cleanEnv(home, TEST_CREDENTIALS);
    seed = ['--endpoint-url', simulator.url, '--provisioned-arn', PT_ARN];
  });
  afterAll(async () => {
    await simulator.close();
  });
  beforeEach(() => {
    simulator.faults.clear();
  });

  it('answers from the PT with the seed flags, naming who served it on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['converse', ...seed, PROMPT], { env });
    expect(code).toBe(0);
    expect(stdout).toBe('Tokyo\n');
    // The seed's endpoint ids are their kinds: said once, not "provisioned (provisioned, us-east-1)".
    expect(stderr).toMatch(/^served by provisioned \(us-east-1\) after 1 attempt in \d+ ms$/m);
  });

  it('names the kind beside an endpoint id that is not the kind', async () => {
    const config = join(home, 'named.yaml');
    await writeFile(
      config,
      ['chains:', '  main:', '    endpoints:', `      - { id: pt-east, modelId: "${PT_ARN}" }`].join('\n'),
    );
    const { stderr } = await runCli(
      ['converse', '--endpoint-url', simulator.url, '--config', config, PROMPT],
      { env },
    );
    expect(stderr).toMatch(/^served by pt-east \(provisioned, us-east-1\) after 1 attempt/m);
  });

  it('fails over to Haiku on demand in us-west-2 when the PT throttles, and --json shows the attempts', async () => {
    simulator.faults.add({
      match: { model: PT_ARN },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const { code, stdout } = await runCli(['converse', '--json', ...seed, PROMPT], { env });
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.text).toBe('Tokyo');
    expect(result.servedBy).toMatchObject({
      endpointId: 'on-demand',
      region: 'us-west-2',
      kind: 'on-demand',
    });
    expect(result.attempts).toEqual([
      expect.objectContaining({
        endpointId: 'provisioned',
        outcome: 'failure',
        errorName: 'ThrottlingException',
      }),
      expect.objectContaining({ endpointId: 'on-demand', outcome: 'success' }),
    ]);
  });

  it('streams the answer with --stream, and reads a piped prompt with --repeat in the seed format', async () => {
    const streamed = await runCli(['converse', '--stream', ...seed, PROMPT], { env });
    expect(streamed.code).toBe(0);
    expect(streamed.stdout).toBe('Tokyo\n');
    const repeated = await runCli(['converse', '--repeat', '3', ...seed], { env, input: `${PROMPT}\n` });
    expect(repeated.code).toBe(0);
    expect(repeated.stdout).toBe(
      [0, 1, 2].map((index) => `${index}: From provisioned throughput in us-east-1: Tokyo\n`).join(''),
    );
  });

  it('calls the chain named by --chain in a --config file', async () => {
    const config = join(home, 'chains.yaml');
    await writeFile(
      config,
      [
        'chains:',
        '  first:',
        `    endpoints: [{ id: pt, modelId: "${PT_ARN}" }]`,
        '  nova:',
        '    endpoints: [{ id: nova-west, region: us-west-2, modelId: amazon.nova-micro-v1:0 }]',
      ].join('\n'),
    );
    const { code, stderr } = await runCli(
      ['converse', '--endpoint-url', simulator.url, '--config', config, '--chain', 'nova', PROMPT],
      { env },
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/served by nova-west \(on-demand, us-west-2\)/);
  });

  it('exits 1 with the attempts table when every endpoint fails', async () => {
    simulator.faults.add({
      match: { region: 'us-*' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    const { code, stdout, stderr } = await runCli(['converse', ...seed, PROMPT], { env });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/AllEndpointsFailedError/);
    expect(stderr).toMatch(
      /^\d\s+provisioned\s+us-east-1\s+failure\s+unavailable\s+ServiceUnavailableException/m,
    );
    expect(stderr).toMatch(
      /^\d\s+on-demand\s+us-west-2\s+failure\s+unavailable\s+ServiceUnavailableException/m,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('on a stream cut after content: ends the partial line, hints at resume, and --json keeps partialText', async () => {
    simulator.faults.add({
      match: { model: PT_ARN },
      fault: { type: 'stream-cut', afterEvents: 4, mode: 'reset' },
    });
    // One endpoint only, so the cut is what the request ends with.
    const config = join(home, 'cut.yaml');
    await writeFile(
      config,
      ['chains:', '  cut:', '    endpoints:', `      - { id: pt, modelId: "${PT_ARN}" }`].join('\n'),
    );
    const args = ['converse', '--stream', '--endpoint-url', simulator.url, '--config', config, LONG_PROMPT];
    const text = await runCli(args, { env });
    expect(text.code).toBe(1);
    // The partial answer, then a newline: the error starts a line of its own.
    expect(text.stdout.length).toBeGreaterThan(1);
    expect(text.stdout.endsWith('\n')).toBe(true);
    expect(text.stderr).toMatch(/^bedrock-ha: error: StreamInterruptedError/m);
    // resume continues on the next endpoint: with none, setting it alone would not help.
    expect(text.stderr).toMatch(
      /hint: .*chain "cut" has one endpoint, so there is nowhere to continue it: add a second endpoint \(another region\) and set `resume: true`/,
    );
    expect(text.stderr).not.toMatch(/check --endpoint-url/);

    const json = await runCli([...args.slice(0, 1), '--json', ...args.slice(1)], { env });
    expect(json.code).toBe(1);
    const failure = JSON.parse(json.stdout);
    expect(failure.error).toMatchObject({ name: 'StreamInterruptedError', chain: 'cut' });
    expect(failure.partialText).toBe(text.stdout.slice(0, -1));
    expect(failure.partialText.length).toBeGreaterThan(0);
  });

  it('on a stream cut in a two-endpoint chain without resume, hints at resume: true', async () => {
    simulator.faults.add({
      match: { model: PT_ARN },
      fault: { type: 'stream-cut', afterEvents: 4, mode: 'reset' },
    });
    const config = join(home, 'cut-two.yaml');
    await writeFile(
      config,
      [
        'chains:',
        '  two:',
        '    endpoints:',
        `      - { id: pt, modelId: "${PT_ARN}" }`,
        '      - { id: west, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
      ].join('\n'),
    );
    const { code, stderr } = await runCli(
      ['converse', '--stream', '--endpoint-url', simulator.url, '--config', config, LONG_PROMPT],
      { env },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /hint: .*set `resume: true` on chain "two" in the config to continue it on the next endpoint/,
    );
  });

  it('with --verbose, calls a skip over an open breaker a skip, not a failure', async () => {
    simulator.faults.add({
      match: { model: PT_ARN },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const config = join(home, 'breaker.yaml');
    await writeFile(
      config,
      [
        'policy: { retry: { maxAttempts: 1 }, breaker: { mode: consecutive, failures: 1, halfOpenAfterMs: 60000, maxHalfOpenAfterMs: 60000 } }',
        'chains:',
        '  main:',
        '    endpoints:',
        `      - { id: pt, modelId: "${PT_ARN}" }`,
        '      - { id: west, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
      ].join('\n'),
    );
    const { code, stderr } = await runCli(
      [
        'converse',
        '--verbose',
        '--no-stream',
        '--repeat',
        '2',
        '--endpoint-url',
        simulator.url,
        '--config',
        config,
        PROMPT,
      ],
      { env },
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/^failover pt -> west \(throttled\)$/m);
    expect(stderr).toMatch(/^skipped pt \(circuit-open\) -> west$/m);
    expect(stderr).not.toMatch(/failover pt -> west \(circuit-open\)/);
  });

  it('with --verbose, never prints the prompt or the answer on stderr', async () => {
    simulator.faults.add({
      match: { model: PT_ARN },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const marker = `unique-marker-${Date.now()}`;
    for (const stream of ['--stream', '--no-stream']) {
      const { code, stdout, stderr } = await runCli(
        ['converse', '--verbose', stream, ...seed, `${PROMPT} ${marker}`],
        { env },
      );
      expect(code).toBe(0);
      const answer = stdout.trim();
      expect(answer.length).toBeGreaterThan(0);
      // --verbose did print the engine's events: the failover away from the throttled PT.
      expect(stderr).toMatch(/failover provisioned -> on-demand/);
      expect(stderr).not.toContain(marker);
      expect(stderr).not.toContain(answer);
    }
  });

  it('exits 1 and says so when the endpoint URL is unreachable', async () => {
    const url = await closedUrl();
    const { code, stderr } = await runCli(
      ['converse', '--endpoint-url', url, '--provisioned-arn', PT_ARN, PROMPT],
      {
        env,
      },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/network/);
    // The cause by name, in the message and in the attempts table, not a bare `Error`.
    expect(stderr).toMatch(/failed: provisioned ECONNREFUSED/);
    expect(stderr).toMatch(/^\d\s+provisioned\s+us-east-1\s+failure\s+network\s+ECONNREFUSED\s/m);
    expect(stderr).toMatch(/hint: check --endpoint-url/);
  });

  it('exits 1 with a clear message when the credential chain finds nothing', async () => {
    // Not the simulator: against it the CLI signs with placeholder credentials (simulator-defaults.test.ts).
    const notSimulator = ['--endpoint-url', await closedUrl(), '--provisioned-arn', PT_ARN];
    const { code, stderr } = await runCli(['converse', ...notSimulator, PROMPT], {
      env: cleanEnv(await emptyHome()),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/no AWS credentials found/);
    expect(stderr).toMatch(/hint: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile/);
  });

  it.each([
    [['converse', PROMPT], /no chain to call/],
    [['converse', '--provisioned-arn', 'not-an-arn', PROMPT], /is not a Provisioned Throughput ARN/],
    [
      ['converse', '--repeat', '0', ...['--provisioned-arn', PT_ARN], PROMPT],
      /--repeat.*expected a whole number/,
    ],
    [['converse', '--temperature', '1', PROMPT], /unknown option '--temperature'/],
    [['converse', '--provisioned-arn', PT_ARN], /no prompt|the piped prompt is empty/],
  ])('exits 2 on a usage mistake: %j', async (args, message) => {
    const { code, stderr } = await runCli(args, { env });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
