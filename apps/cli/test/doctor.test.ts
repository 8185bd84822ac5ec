import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Simulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli } from './cli-process.js';
import { closedUrl, PT_ARN, startSeedSimulator } from './seed-simulator.js';

// A recognisable secret: doctor must never print it.
const SECRET = 'doctor-must-not-print-this';

describe('bedrock-ha doctor', () => {
  let simulator: Simulator;
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    simulator = await startSeedSimulator({
      // A PT that stays Creating for the whole test.
      provisioning: { delayMs: 3_600_000 },
      provisionedThroughputs: [
        {
          name: 'still-creating',
          region: 'us-east-1',
          modelId: 'anthropic.claude-3-haiku-20240307-v1:0:48k',
          id: 'creating0001',
          status: 'Creating',
        },
      ],
    });
    home = await emptyHome();
    env = cleanEnv(home, { AWS_ACCESS_KEY_ID: 'AKIDDOCTOR', AWS_SECRET_ACCESS_KEY: SECRET });
  });
  afterAll(async () => {
    await simulator.close();
  });
  beforeEach(() => {
    simulator.faults.clear();
  });

  it('passes every check of the seed setup, naming the credential source but not the secret', async () => {
    const { code, stdout } = await runCli(
      ['doctor', '--endpoint-url', simulator.url, '--provisioned-arn', PT_ARN],
      { env },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^ok\s+credentials\s+environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\s+found/m,
    );
    expect(stdout).toMatch(
      /^ok\s+provisioned throughput\s+provisioned \(us-east-1\)\s+ha-test-model: InService/m,
    );
    expect(stdout).toMatch(/^ok\s+region reachable\s+on-demand \(us-west-2\)/m);
    expect(stdout).toMatch(/^ok\s+model\s+on-demand \(us-west-2\)\s+Claude 3 Haiku: ACTIVE/m);
    expect(stdout).not.toMatch(/probe request/);
    expect(stdout).not.toContain(SECRET);
    expect(stdout).not.toContain('AKIDDOCTOR');
  });

  it.each([[[]], [['--json']], [['--verbose']], [['--json', '--verbose']]])(
    'prints neither the key id nor the secret, on stdout or stderr, when checks fail (%j)',
    async (flags) => {
      simulator.faults.add({ match: {}, fault: { type: 'error', error: 'AccessDeniedException' } });
      const config = join(home, 'static-credentials.yaml');
      await writeFile(
        config,
        [
          'chains:',
          '  main:',
          '    endpoints:',
          `      - { id: pt, modelId: "${PT_ARN}" }`,
          '      - { id: haiku-west, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
          'client:',
          '  credentials: { accessKeyId: AKIDINCONFIG, secretAccessKey: config-secret-not-printed }',
        ].join('\n'),
      );
      for (const source of [
        ['--provisioned-arn', PT_ARN],
        ['--config', config],
      ]) {
        const { code, stdout, stderr } = await runCli(
          ['doctor', ...flags, '--probe', '--endpoint-url', simulator.url, ...source],
          { env },
        );
        expect(code).toBe(1);
        const printed = stdout + stderr;
        expect(printed).toMatch(/AccessDeniedException/);
        for (const secret of [SECRET, 'AKIDDOCTOR', 'AKIDINCONFIG', 'config-secret-not-printed']) {
          expect(printed).not.toContain(secret);
        }
      }
    },
  );

  it('fails a PT that is not InService and model access refused by the probe, with a fix each (exit 1)', async () => {
    simulator.faults.add({
      match: { region: 'us-west-2' },
      fault: { type: 'error', error: 'AccessDeniedException' },
    });
    const config = join(home, 'doctor.yaml');
    await writeFile(
      config,
      [
        'chains:',
        '  main:',
        '    endpoints:',
        '      - { id: creating-pt, modelId: "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/creating0001" }',
        '      - { id: haiku-west, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
      ].join('\n'),
    );
    const { code, stdout } = await runCli(
      ['doctor', '--json', '--probe', '--endpoint-url', simulator.url, '--config', config],
      {
        env,
      },
    );
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(false);
    expect(report.checks).toContainEqual(
      expect.objectContaining({
        check: 'provisioned throughput',
        target: 'creating-pt (us-east-1)',
        status: 'fail',
        detail: 'still-creating: Creating',
        fix: 'wait for it: bedrock-ha provision wait still-creating',
      }),
    );
    expect(report.checks).toContainEqual(
      expect.objectContaining({
        check: 'probe request',
        target: 'haiku-west (us-west-2)',
        status: 'fail',
        detail: expect.stringMatching(/^AccessDeniedException/),
        fix: expect.stringMatching(/model access/),
      }),
    );
  });

  it('warns of a duplicate fallback and a worst case past the deadline, without failing (exit 0)', async () => {
    const config = join(home, 'graph.yaml');
    await writeFile(
      config,
      [
        'chains:',
        '  main:',
        '    deadlineMs: 90000',
        '    endpoints:',
        '      - { id: haiku-west, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
        '      - { id: haiku-west-again, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
      ].join('\n'),
    );
    const text = await runCli(['doctor', '--endpoint-url', simulator.url, '--config', config], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^ok\s+fallback graph\s+chain main\s+worst case 4 attempts, 240\.2 s \(stream first content 80\.2 s\); deadline 90 s: 1 of 2 endpoints reachable$/m,
    );
    expect(text.stdout).toMatch(
      /^warn\s+fallback graph\s+chains\.main\.endpoints\.1\s+"haiku-west-again" serves .* like "haiku-west" before it/m,
    );
    expect(text.stdout).toMatch(
      /^warn\s+fallback graph\s+chains\.main\.deadlineMs\s+chain "main": the worst case of a request is 240\.2 s/m,
    );
    const json = await runCli(['doctor', '--json', '--endpoint-url', simulator.url, '--config', config], {
      env,
    });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(true);
    expect(report.checks.filter((check: { status: string }) => check.status === 'warn')).toHaveLength(2);
  });

  it('probes with the endpoint’s service tier, and says how to fix a tier it refuses', async () => {
    const config = join(home, 'doctor-tier.yaml');
    await writeFile(
      config,
      [
        'chains:',
        '  main:',
        '    endpoints:',
        '      - { region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0, serviceTier: reserved }',
        '      - { region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0, serviceTier: flex }',
      ].join('\n'),
    );
    const { code, stdout } = await runCli(
      ['doctor', '--json', '--probe', '--endpoint-url', simulator.url, '--config', config],
      { env },
    );
    expect(code).toBe(1);
    const probes = JSON.parse(stdout).checks.filter(
      (check: { check: string }) => check.check === 'probe request',
    );
    expect(probes).toEqual([
      expect.objectContaining({
        target: 'us-west-2/anthropic.claude-3-haiku-20240307-v1:0@reserved (us-west-2)',
        status: 'fail',
        detail: 'ValidationException: Reservation not found.',
        fix: expect.stringMatching(/serviceTier/),
      }),
      expect.objectContaining({
        target: 'us-west-2/anthropic.claude-3-haiku-20240307-v1:0@flex (us-west-2)',
        status: 'ok',
      }),
    ]);
  });

  it('fails "region reachable" when the endpoint URL does not answer', async () => {
    const { code, stdout } = await runCli(
      ['doctor', '--endpoint-url', await closedUrl(), '--provisioned-arn', PT_ARN],
      { env },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^FAIL\s+region reachable\s+provisioned \(us-east-1\)\s+cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/m,
    );
  });

  it('fails the credentials check when the SDK finds none, and skips the endpoints', async () => {
    // Not the simulator: against it the CLI signs with placeholder credentials (simulator-defaults.test.ts).
    const { code, stdout } = await runCli(
      ['doctor', '--endpoint-url', await closedUrl(), '--provisioned-arn', PT_ARN],
      {
        env: cleanEnv(await emptyHome()),
      },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL\s+credentials\s+.*no AWS credentials found\s+set AWS_ACCESS_KEY_ID/m);
    expect(stdout).toMatch(/^skip\s+endpoint\s+provisioned \(us-east-1\)\s+no credentials/m);
  });

  it('exits 2 on an invalid config, naming the path', async () => {
    const config = join(home, 'invalid.yaml');
    await writeFile(config, 'chains:\n  main:\n    endpoints:\n      - { modelId: x, region: nowhere }\n');
    const { code, stdout } = await runCli(['doctor', '--config', config], { env });
    expect(code).toBe(2);
    expect(stdout).toMatch(/^FAIL\s+config\s+.*invalid\.yaml/m);
    expect(stdout).toMatch(/chains\.main\.endpoints\.0\.region/);
  });

  it("shows each endpoint's declared or learned capacity", async () => {
    const config = join(home, 'capacity.yaml');
    await writeFile(
      config,
      [
        'chains:',
        '  main:',
        '    endpoints:',
        `      - { id: pt-east, modelId: "${PT_ARN}", capacity: { modelUnits: 2, model: anthropic.claude-3-haiku-20240307-v1:0 } }`,
        '      - { id: haiku-west, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0, capacity: { tokensPerMinute: 200000, requestsPerMinute: 1000 } }',
        '      - { id: haiku-profile, region: us-east-2, modelId: us.anthropic.claude-3-haiku-20240307-v1:0, capacity: {} }',
        '      - { id: haiku-eu, region: eu-central-1, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
      ].join('\n'),
    );
    const { stdout } = await runCli(['doctor', '--endpoint-url', simulator.url, '--config', config], { env });
    expect(stdout).toMatch(
      /^ok\s+capacity\s+pt-east \(us-east-1\)\s+declared 40000 tokens\/min \(2 model units\)\s*$/m,
    );
    expect(stdout).toMatch(
      /^ok\s+capacity\s+haiku-west \(us-west-2\)\s+declared 200000 tokens\/min, 1000 requests\/min\s*$/m,
    );
    expect(stdout).toMatch(
      /^ok\s+capacity\s+haiku-profile \(us-east-2\)\s+learned from throttles \(nothing learned yet\)\s*$/m,
    );
    expect(stdout).not.toMatch(/capacity\s+haiku-eu/);
  });
});
