import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Simulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli, TEST_CREDENTIALS } from './cli-process.js';
import { PT_ARN, startSeedSimulator } from './seed-simulator.js';

describe('the global --region', () => {
  let simulator: Simulator;
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    simulator = await startSeedSimulator();
    home = await emptyHome();
    env = cleanEnv(home, TEST_CREDENTIALS);
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('is the primary region of the seed flags: the PT ARN region works, another is a usage error', async () => {
    const seed = ['--endpoint-url', simulator.url, '--provisioned-arn', PT_ARN];
    const matching = await runCli(['converse', '--no-stream', '--region', 'us-east-1', ...seed, 'hi'], {
      env,
    });
    expect(matching.code).toBe(0);
    expect(matching.stderr).toMatch(/served by provisioned \(us-east-1\)/);
    for (const command of ['converse', 'doctor', 'serve']) {
      const { code, stderr, stdout } = await runCli(
        [command, '--region', 'eu-west-1', ...seed, ...(command === 'converse' ? ['hi'] : [])],
        { env },
      );
      expect(code).toBe(2);
      expect(stdout + stderr).toMatch(/--region eu-west-1 does not match the ARN's region us-east-1/);
    }
  });

  it('serve takes --primary-region like converse and doctor', async () => {
    const { code, stderr } = await runCli(
      ['serve', '--primary-region', 'eu-west-1', '--provisioned-arn', PT_ARN, '--port', '0'],
      { env },
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/--primary-region eu-west-1 does not match the ARN's region us-east-1/);
  });

  it('warns that it has no effect with --config, naming what to use instead', async () => {
    const config = join(home, 'regions.yaml');
    await writeFile(
      config,
      [
        'chains:',
        '  main:',
        '    endpoints:',
        '      - { id: west, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
      ].join('\n'),
    );
    const { code, stderr } = await runCli(
      [
        'converse',
        '--no-stream',
        '--region',
        'eu-west-1',
        '--endpoint-url',
        simulator.url,
        '--config',
        config,
        'hi',
      ],
      { env },
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /warning: --region eu-west-1 has no effect with --config: every endpoint of .*regions\.yaml names its own region; set `region:` on the endpoints there instead/,
    );
    expect(stderr).toMatch(/served by west \(on-demand, us-west-2\)/);
  });
});
