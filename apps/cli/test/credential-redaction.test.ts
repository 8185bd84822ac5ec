import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli } from './cli-process.js';
import { startIncompleteSignatureStub } from './incomplete-signature-stub.js';
import { PT_ARN } from './seed-simulator.js';

// An access key id of the real format: the CLI must hide it even when AWS quotes it back.
const KEY_ID = 'AKIAREDACTIONTEST123';
const SECRET = 'redaction-test-secret-never-printed';
// Static credentials in a config: their key id has no AWS format, so only registration hides it.
const CONFIG_KEY_ID = 'AKIDCONFIGKEYLEAK';
const CONFIG_SECRET = 'config-secret-never-printed';

describe('credentials quoted back by AWS errors', () => {
  let server: Server;
  let url: string;
  let env: Record<string, string>;
  let configPath: string;
  const signatures = new Set<string>();

  beforeAll(async () => {
    server = await startIncompleteSignatureStub(signatures);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const home = await emptyHome();
    env = cleanEnv(home, { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET });
    configPath = join(home, 'static-credentials.yaml');
    await writeFile(
      configPath,
      [
        'chains:',
        '  main:',
        '    endpoints:',
        '      - { id: haiku-west, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
        'client:',
        `  endpoint: ${url}`,
        '  credentials:',
        `    accessKeyId: ${CONFIG_KEY_ID}`,
        `    secretAccessKey: ${CONFIG_SECRET}`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function expectNoCredentials(printed: string): void {
    expect(printed).toMatch(/IncompleteSignatureException/);
    expect(printed).not.toContain(KEY_ID);
    expect(printed).not.toContain('Credential=AKIA');
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain(CONFIG_KEY_ID);
    expect(printed).not.toContain(CONFIG_SECRET);
    expect(signatures.size).toBeGreaterThan(0);
    for (const signature of signatures) expect(printed).not.toContain(signature);
  }

  it.each([[[]], [['--json']], [['--verbose']], [['--json', '--verbose']]])(
    'doctor %j fails the check without printing the key id or the signature',
    async (flags) => {
      const { code, stdout, stderr } = await runCli(
        ['doctor', ...flags, '--endpoint-url', url, '--provisioned-arn', PT_ARN],
        { env },
      );
      expect(code).toBe(1);
      expectNoCredentials(stdout + stderr);
      expect(stdout + stderr).toMatch(/Credential=\[redacted\]/);
    },
  );

  it.each([[[]], [['--json']], [['--verbose']], [['--json', '--verbose']]])(
    'provision list %j fails without printing the key id or the signature',
    async (flags) => {
      const { code, stdout, stderr } = await runCli(
        ['provision', 'list', ...flags, '--endpoint-url', url, '--region', 'us-east-1'],
        { env },
      );
      expect(code).toBe(1);
      expectNoCredentials(stdout + stderr);
    },
  );

  it.each([[[]], [['--json', '--verbose']]])(
    'doctor %j hides static credentials written in the config',
    async (flags) => {
      const { code, stdout, stderr } = await runCli(['doctor', ...flags, '--config', configPath], { env });
      expect(code).toBe(1);
      expectNoCredentials(stdout + stderr);
    },
  );
});
