import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Simulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli, TEST_CREDENTIALS } from './cli-process.js';
import { closedUrl, startSeedSimulator } from './seed-simulator.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

describe('endpoints with their own client settings', () => {
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
  beforeEach(() => {
    simulator.faults.clear();
  });

  async function config(name: string, lines: readonly string[]): Promise<string> {
    const path = join(home, name);
    await writeFile(path, lines.join('\n'));
    return path;
  }

  it('--endpoint-url overrides the endpoint URL an inline or shared endpoint sets for itself', async () => {
    const path = await config('own-client.yaml', [
      'chains:',
      '  inline:',
      '    endpoints:',
      `      - { id: west, region: us-west-2, modelId: ${HAIKU}, client: { endpoint: "http://127.0.0.1:1" } }`,
      '  shared:',
      '    endpoints: [east]',
      'endpoints:',
      `  east: { region: us-east-1, modelId: ${HAIKU}, client: { endpoint: "http://127.0.0.1:1" } }`,
    ]);
    for (const chain of ['inline', 'shared']) {
      const { code, stdout, stderr } = await runCli(
        [
          'converse',
          '--no-stream',
          '--endpoint-url',
          simulator.url,
          '--config',
          path,
          '--chain',
          chain,
          'hi',
        ],
        { env },
      );
      expect({ code, stderr }).toMatchObject({ code: 0 });
      expect(stdout.length).toBeGreaterThan(1);
    }
  });

  it('doctor checks the credentials of a profile set on one endpoint, and fails it (exit 1)', async () => {
    const path = await config('endpoint-profile.yaml', [
      'chains:',
      '  main:',
      '    endpoints:',
      `      - { id: west, region: us-west-2, modelId: ${HAIKU} }`,
      `      - { id: east, region: us-east-1, modelId: ${HAIKU}, client: { profile: nonexistentprofile } }`,
      'client:',
      `  endpoint: ${simulator.url}`,
    ]);
    const { code, stdout } = await runCli(['doctor', '--json', '--config', path], { env });
    expect(code).toBe(1);
    const { checks } = JSON.parse(stdout);
    expect(checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: 'credentials', status: 'ok' }),
        expect.objectContaining({
          check: 'credentials',
          target: expect.stringContaining('profile "nonexistentprofile"'),
          status: 'fail',
        }),
        expect.objectContaining({ check: 'model', target: 'west (us-west-2)', status: 'ok' }),
        expect.objectContaining({ target: 'east (us-east-1)', status: 'skipped' }),
      ]),
    );
  });

  it('doctor reports an endpoint whose own URL does not answer as unreachable', async () => {
    const unreachable = await closedUrl();
    const path = await config('endpoint-url.yaml', [
      'chains:',
      '  main:',
      '    endpoints:',
      `      - { id: west, region: us-west-2, modelId: ${HAIKU} }`,
      `      - { id: east, region: us-east-1, modelId: ${HAIKU}, client: { endpoint: "${unreachable}" } }`,
      'client:',
      `  endpoint: ${simulator.url}`,
    ]);
    const { code, stdout } = await runCli(['doctor', '--config', path], { env });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ok\s+model\s+west \(us-west-2\)/m);
    expect(stdout).toMatch(
      /^FAIL\s+region reachable\s+east \(us-east-1\)\s+cannot reach http:\/\/127\.0\.0\.1:\d+/m,
    );
  });
});
