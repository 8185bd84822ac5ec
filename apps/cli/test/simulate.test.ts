import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli, startCli } from './cli-process.js';

describe('bedrock-ha simulate', () => {
  it('serves the scenario to the real AWS SDK until SIGINT, then exits 0', async () => {
    const home = await emptyHome();
    const scenario = join(home, 'scenario.yaml');
    await writeFile(
      scenario,
      [
        'answers: [{ match: "favourite colour", reply: "Teal" }]',
        'provisionedThroughputs:',
        '  - { name: ha-test-model, region: us-east-1, modelId: anthropic.claude-3-haiku-20240307-v1:0:48k, id: simpt0000001 }',
      ].join('\n'),
    );
    const cli = startCli(['simulate', '--port', '0', '--scenario', scenario, '--seed', '7'], cleanEnv(home));
    try {
      const [, url] = await cli.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      // The PT listing is written after the listening line and may arrive in a later chunk.
      await cli.waitFor(
        /ha-test-model \(us-east-1, InService\): arn:aws:bedrock:us-east-1:123456789012:provisioned-model\/simpt0000001/,
      );
      const client = new BedrockRuntimeClient({
        region: 'us-east-1',
        endpoint: url,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      });
      const answer = await client.send(
        new ConverseCommand({
          modelId: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/simpt0000001',
          messages: [{ role: 'user', content: [{ text: 'what is my favourite colour?' }] }],
        }),
      );
      client.destroy();
      expect(answer.output?.message?.content?.[0]?.text).toBe('Teal');
    } finally {
      expect(await cli.stop('SIGINT')).toBe(0);
    }
  });

  it('exits 2 naming the problem for an invalid scenario', async () => {
    const home = await emptyHome();
    const scenario = join(home, 'bad.yaml');
    await writeFile(scenario, 'provisionedThroughputs: [{ name: x }]\n');
    const { code, stderr } = await runCli(['simulate', '--port', '0', '--scenario', scenario], {
      env: cleanEnv(home),
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.yaml/);
    expect(stderr).toMatch(/provisionedThroughputs\.0\.region/);
  });

  it('exits 1 when the port is taken', async () => {
    const home = await emptyHome();
    const first = startCli(['simulate', '--port', '0'], cleanEnv(home));
    try {
      const [, port] = await first.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      const { code, stderr } = await runCli(['simulate', '--port', String(port)], { env: cleanEnv(home) });
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`port ${port} is in use`));
    } finally {
      await first.stop('SIGTERM');
    }
  });
});
