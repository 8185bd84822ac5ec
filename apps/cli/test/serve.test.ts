import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Simulator } from '@bedrock-ha/simulator';
import { eventually, startRedisServer } from '@bedrock-ha/test-kit';
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

  it('listens on 127.0.0.1 without --host, and prints the address it bound with --host 0.0.0.0', async () => {
    const env = cleanEnv(home, { ...TEST_CREDENTIALS, OTEL_SDK_DISABLED: 'true' });
    const base = [
      'serve',
      '--port',
      '0',
      '--config',
      config,
      '--endpoint-url',
      simulator.url,
      '--log-level',
      'silent',
    ];
    const loopback = startCli(base, env);
    try {
      const [, url] = await loopback.waitFor(/gateway listening on (http:\/\/\S+) /);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      expect(await loopback.stop('SIGTERM')).toBe(0);
    }
    const everywhere = startCli([...base, '--host', '0.0.0.0', '--api-key', 'k1'], env);
    try {
      const [, url = ''] = await everywhere.waitFor(/gateway listening on (http:\/\/\S+) /);
      expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      expect((await fetch(`http://127.0.0.1:${new URL(url).port}/healthz`)).status).toBe(200);
    } finally {
      expect(await everywhere.stop('SIGTERM')).toBe(0);
    }
  }, 30_000);

  it('exits 2 on --host 0.0.0.0 without API keys, unless BEDROCK_HA_AUTH=none', async () => {
    const env = cleanEnv(home, { ...TEST_CREDENTIALS, OTEL_SDK_DISABLED: 'true' });
    const args = ['serve', '--port', '0', '--host', '0.0.0.0', '--config', config, '--log-level', 'silent'];
    const refused = await runCli(args, { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'bedrock-ha: error: refusing to listen on 0.0.0.0 without API keys: anyone who can reach it could call Bedrock',
    );
    expect(refused.stderr).toContain('(bedrock-ha serve: --api-key)');
    expect(refused.stderr).toContain('BEDROCK_HA_AUTH=none');

    const optedOut = startCli(args, { ...env, BEDROCK_HA_AUTH: 'none' });
    try {
      await optedOut.waitFor(/gateway listening on http:\/\/0\.0\.0\.0:\d+ /);
    } finally {
      expect(await optedOut.stop('SIGTERM')).toBe(0);
    }
  }, 30_000);

  it('exits 2 when BEDROCK_HA_API_KEYS or --api-key holds no key', async () => {
    const env = cleanEnv(home, { ...TEST_CREDENTIALS, BEDROCK_HA_API_KEYS: ' , ,' });
    const fromEnv = await runCli(['serve', '--port', '0', '--config', config], { env });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('bedrock-ha: error: BEDROCK_HA_API_KEYS is set but holds no key');
    const fromFlag = await runCli(['serve', '--port', '0', '--config', config, '--api-key', ' '], {
      env: cleanEnv(home, TEST_CREDENTIALS),
    });
    expect(fromFlag.code).toBe(2);
    expect(fromFlag.stderr).toContain('bedrock-ha: error: --api-key holds no key');
  }, 30_000);

  it('keeps requests with one --affinity-header value on one endpoint, and exits 2 on a bad name', async () => {
    const env = cleanEnv(home, { ...TEST_CREDENTIALS, OTEL_SDK_DISABLED: 'true' });
    const spread = join(home, 'spread.yaml');
    await writeFile(
      spread,
      [
        'chains:',
        '  spread:',
        '    routing: weighted',
        '    endpoints:',
        ...['us-east-1', 'us-west-2', 'eu-west-1'].map(
          (region) =>
            `      - { id: ${region}, region: ${region}, modelId: anthropic.claude-3-haiku-20240307-v1:0 }`,
        ),
      ].join('\n'),
    );
    const args = [
      'serve',
      '--port',
      '0',
      '--config',
      spread,
      '--endpoint-url',
      simulator.url,
      '--log-level',
      'silent',
    ];
    const cli = startCli([...args, '--affinity-header', 'X-Conversation'], env);
    try {
      const [, url] = await cli.waitFor(/gateway listening on (http:\/\/\S+) /);
      const servedBy = async (headers: Record<string, string>, times: number) => {
        const endpoints = new Set<string | null>();
        for (let index = 0; index < times; index++) {
          const response = await fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            body: JSON.stringify({ model: 'spread', messages: [{ role: 'user', content: 'hello' }] }),
            headers: { 'content-type': 'application/json', ...headers },
          });
          expect(response.status).toBe(200);
          await response.arrayBuffer();
          endpoints.add(response.headers.get('x-bedrock-ha-endpoint'));
        }
        return endpoints;
      };
      expect((await servedBy({ 'x-conversation': 'conversation-1' }, 8)).size).toBe(1);
      // The default header is no longer the key: these spread by weight.
      expect((await servedBy({ 'x-session-id': 'session-1' }, 12)).size).toBeGreaterThan(1);
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
    const refused = await runCli([...args, '--affinity-header', 'session id'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'bedrock-ha: error: --affinity-header "session id" is not a header name',
    );
    expect(refused.stderr).toContain('x-session-id');
  }, 60_000);

  it('keeps its state in the Redis BEDROCK_HA_STATE_URL names, and refuses one that is not Redis without echoing it', async () => {
    const redis = await startRedisServer();
    try {
      const env = cleanEnv(home, {
        ...TEST_CREDENTIALS,
        OTEL_SDK_DISABLED: 'true',
        BEDROCK_HA_STATE_URL: ` ${redis.url} `,
      });
      const cli = startCli(
        [
          'serve',
          '--port',
          '0',
          '--config',
          config,
          '--endpoint-url',
          simulator.url,
          '--log-level',
          'silent',
        ],
        env,
      );
      try {
        const [, url] = await cli.waitFor(/gateway listening on (http:\/\/\S+) /);
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          body: JSON.stringify({ model: 'claude-haiku', messages: [{ role: 'user', content: 'hello' }] }),
          headers: { 'content-type': 'application/json' },
        });
        expect(response.status).toBe(200);
        // The request's retry budget and usage land in Redis, under the default prefix.
        await eventually(
          async () => (await redis.cli('KEYS', 'bedrock-ha:*')) !== '',
          10_000,
          'keys in Redis',
        );
      } finally {
        expect(await cli.stop('SIGTERM')).toBe(0);
      }
    } finally {
      await redis.stop();
    }
    const bad = await runCli(['serve', '--port', '0', '--config', config], {
      env: cleanEnv(home, { ...TEST_CREDENTIALS, BEDROCK_HA_STATE_URL: 'http://user:CANARY@cache:6379' }),
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bedrock-ha: error: BEDROCK_HA_STATE_URL is not a Redis URL');
    expect(bad.stderr).not.toContain('CANARY');
  }, 30_000);
});
