import { spawn, spawnSync } from 'node:child_process';
import type { Simulator } from '@bedrock-ha/simulator';
import { startSimulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, emptyHome, runCli, TEST_CREDENTIALS } from './cli-process.js';
import { closedUrl } from './seed-simulator.js';

const HAIKU_48K = 'anthropic.claude-3-haiku-20240307-v1:0:48k';
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('bedrock-ha provision', () => {
  let simulator: Simulator;
  let env: Record<string, string>;
  let global: string[];

  beforeAll(async () => {
    // Creation takes long enough for `wait` to see Creating first; the "doomed" name always fails.
    simulator = await startSimulator({ provisioning: { delayMs: 1_500, failNames: ['doomed'] } });
    env = cleanEnv(await emptyHome(), TEST_CREDENTIALS);
    global = ['--endpoint-url', simulator.url, '--region', 'us-east-1'];
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('creates, waits for, shows, lists and deletes a Provisioned Throughput', async () => {
    const created = await runCli(
      ['provision', 'create', ...global, '--model-id', HAIKU_48K, '--name', 'ha-test-model', '--units', '2'],
      { env },
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /Creating ha-test-model: arn:aws:bedrock:us-east-1:123456789012:provisioned-model\/[a-z0-9]{12}/,
    );
    expect(created.stderr).toMatch(/billed every hour .* until you delete it/);

    const waited = await runCli(['provision', 'wait', ...global, 'ha-test-model', '--poll-interval', '100'], {
      env,
    });
    expect(waited.code).toBe(0);
    // Progress shows the status (Creating first when the CLI starts faster than the 1.5 s delay).
    expect(waited.stderr).toMatch(/^ha-test-model: InService \(\d+ s\)$/m);
    expect(waited.stdout).toMatch(/ha-test-model is InService: arn:aws:bedrock:us-east-1/);

    const status = await runCli(['provision', 'status', ...global, 'ha-test-model', '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      provisionedModelName: 'ha-test-model',
      status: 'InService',
      modelUnits: 2,
    });

    const listed = await runCli(['provision', 'list', ...global], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^name\s+status\s+units/m);
    expect(listed.stdout).toMatch(/^ha-test-model\s+InService\s+2\s+none\s+arn:aws:bedrock/m);

    const deleted = await runCli(['provision', 'delete', ...global, 'ha-test-model', '--yes'], { env });
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(/Deleted ha-test-model/);

    const gone = await runCli(['provision', 'status', ...global, 'ha-test-model'], { env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/ResourceNotFoundException/);
    expect(gone.stderr).toMatch(/hint: check the id or ARN and the region/);
  }, 60_000);

  it('refuses to delete without --yes when nobody can confirm (exit 2)', async () => {
    const { code, stderr } = await runCli(['provision', 'delete', ...global, 'anything'], { env });
    expect(code).toBe(2);
    expect(stderr).toMatch(/standard input is not a terminal/);
    expect(stderr).toMatch(/pass --yes/);
  });

  // The question needs a terminal: util-linux `script` runs the CLI in a pseudo-terminal.
  it.skipIf(!hasScript)('exits 0 with "Not deleted." when the user declines at the prompt', async () => {
    const command = [process.execPath, BIN, 'provision', 'delete', ...global, 'ha-keep-me']
      .map((word) => `'${word}'`)
      .join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let printed = '';
    const answered = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString('utf8');
        if (printed.includes('[y/N]')) resolve();
      });
    });
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    await answered;
    child.stdin.end('n\n');
    expect(await closed).toBe(0);
    expect(printed).toMatch(
      /Delete the Provisioned Throughput ha-keep-me\? This cannot be undone\. \[y\/N\]/,
    );
    expect(printed).toMatch(/Not deleted\./);
  });

  it('fails clearly when the Provisioned Throughput ends up Failed', async () => {
    await runCli(['provision', 'create', ...global, '--model-id', HAIKU_48K, '--name', 'doomed'], { env });
    const { code, stderr } = await runCli(
      ['provision', 'wait', ...global, 'doomed', '--poll-interval', '100'],
      { env },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/doomed failed to provision/);
    expect(stderr).toMatch(/hint: delete it/);
  }, 30_000);

  it('shows Creating while it waits, and gives up at --timeout saying it is still Creating', async () => {
    const slow = await startSimulator({ provisioning: { delayMs: 60_000 } });
    try {
      const args = ['--endpoint-url', slow.url, '--region', 'us-east-1'];
      await runCli(['provision', 'create', ...args, '--model-id', HAIKU_48K, '--name', 'slow'], { env });
      const { code, stderr } = await runCli(
        ['provision', 'wait', ...args, 'slow', '--timeout', '1', '--poll-interval', '200'],
        {
          env,
        },
      );
      expect(code).toBe(1);
      expect(stderr).toMatch(/^slow: Creating \(0 s\)$/m);
      expect(stderr).toMatch(/slow is still Creating after 1 s/);
    } finally {
      await slow.close();
    }
  }, 30_000);

  it('exits 2 when no region is configured, and on a bad --commitment', async () => {
    // Not the simulator: against it provision uses us-east-1 (simulator-defaults.test.ts).
    const noRegion = await runCli(['provision', 'list', '--endpoint-url', await closedUrl()], { env });
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toMatch(/no AWS region configured/);
    const badCommitment = await runCli(
      ['provision', 'create', ...global, '--model-id', HAIKU_48K, '--name', 'x', '--commitment', 'OneYear'],
      { env },
    );
    expect(badCommitment.code).toBe(2);
    expect(badCommitment.stderr).toMatch(/--commitment.*OneYear.*OneMonth, SixMonths/s);
  });
});
