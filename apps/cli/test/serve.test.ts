import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Simulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli, startCli, TEST_CREDENTIALS } from './cli-process.js';
import { PT_ARN, startSeedSimulator } from './seed-simulator.js';

describe('bedrock-ha serve', () => {
  let simulator: Simulator;
  let home: string;
  let config: string;

  beforeAll(async () => {
    simulator = await startSeedSimulator();
    home = await emptyHome();
    config = join(home, 'gateway.yaml');
    await writeFile(
      config,
      [
        'chains:',
        '  claude-haiku:',
        '    endpoints:',
        `      - { id: pt-east, modelId: "${PT_ARN}" }`,
        '      - { id: haiku-west, region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await simulator.close();
  });

  it('serves the chain over the OpenAI-compatible route with an API key, and shuts down on SIGTERM', async () => {
    const env = cleanEnv(home, { ...TEST_CREDENTIALS, OTEL_SDK_DISABLED: 'true' });
    const cli = startCli(
      [
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--config',
        config,
        '--endpoint-url',
        simulator.url,
        '--api-key',
        'k1',
        '--log-level',
        'silent',
      ],
      env,
    );
    try {
      const [, url] = await cli.waitFor(/gateway listening on (http:\/\/\S+) \(chains: claude-haiku\)/);
      const body = JSON.stringify({
        model: 'claude-haiku',
        messages: [{ role: 'user', content: 'what is the largest city in the world?' }],
      });
      const denied = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(denied.status).toBe(401);
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', authorization: 'Bearer k1' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-bedrock-ha-endpoint')).toBe('pt-east');
      const completion = (await response.json()) as { choices: { message: { content: string } }[] };
      expect(completion.choices[0]?.message.content).toBe('Tokyo');
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
    expect(cli.output().stderr).toMatch(/shutting down/);
  }, 30_000);

  it('exits 2 without a chain to serve, and on an invalid --log-level', async () => {
    const env = cleanEnv(home, TEST_CREDENTIALS);
    const noChain = await runCli(['serve', '--port', '0'], { env });
    expect(noChain.code).toBe(2);
    expect(noChain.stderr).toMatch(/no chain to call/);
    const badLevel = await runCli(['serve', '--port', '0', '--config', config, '--log-level', 'loud'], {
      env,
    });
    expect(badLevel.code).toBe(2);
    expect(badLevel.stderr).toMatch(/loud/);
  }, 30_000);
});
