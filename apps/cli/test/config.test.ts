import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configJsonSchema, loadConfig } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli } from './cli-process.js';

describe('bedrock-ha config', () => {
  it("init writes a commented starter config with the sample's two endpoints, which validates", async () => {
    const home = await emptyHome();
    const env = cleanEnv(home);
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/mypt00000001';
    const init = await runCli(['config', 'init', '--provisioned-arn', arn], { env, cwd: home });
    expect(init.code).toBe(0);
    const file = join(home, 'bedrock-ha.yaml');
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^# /);
    const config = await loadConfig(file);
    expect(config.chains['claude-haiku']?.endpoints).toEqual([
      { id: 'pt-east', modelId: arn },
      { id: 'haiku-west', region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
    ]);
    const valid = await runCli(['config', 'validate'], { env, cwd: home });
    expect(valid.code).toBe(0);
    expect(valid.stdout.split('\n').map((line) => line.replace(/\s+/g, ' '))).toEqual([
      'ok bedrock-ha.yaml: 1 chain (claude-haiku), 2 endpoints',
      'chain endpoints attempts worst case stream first content deadline reachable in deadline',
      // The defaults: 2 attempts of 60 s (20 s to first content) with a backoff of 100 ms, per endpoint.
      'claude-haiku 2 4 240.2 s 80.2 s none all',
      '',
    ]);
    expect(valid.stderr).toBe('');
  });

  it('validate --capabilities lists what each endpoint can take: the table, the override, ? for unknown', async () => {
    const home = await emptyHome();
    const file = join(home, 'caps.yaml');
    await writeFile(
      file,
      [
        'chains:',
        '  agent:',
        '    endpoints:',
        '      - { id: sonnet, modelId: us.anthropic.claude-sonnet-4-5-20250929-v1:0, region: us-east-1 }',
        '      - { id: llama, modelId: meta.llama3-8b-instruct-v1:0, region: us-west-2, capabilities: { contextWindow: 4000 } }',
        '      - { id: custom, modelId: acme.model-v1:0, region: us-west-2 }',
        '',
      ].join('\n'),
    );
    const text = await runCli(['config', 'validate', file, '--capabilities'], { env: cleanEnv(home) });
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines).toContain(
      'chain endpoint context tools images documents structured latency-opt cache tiers',
    );
    expect(lines).toContain('agent sonnet 200,000 yes yes yes yes ? yes ?');
    expect(lines).toContain('agent llama 4,000 no no ? ? ? no ?');
    expect(lines).toContain('agent custom ? ? ? ? ? ? ? ?');
    const json = await runCli(['config', 'validate', file, '--capabilities', '--json'], {
      env: cleanEnv(home),
    });
    expect(JSON.parse(json.stdout).capabilities[1]).toEqual({
      chain: 'agent',
      endpointId: 'llama',
      modelId: 'meta.llama3-8b-instruct-v1:0',
      capabilities: { contextWindow: 4_000, tools: false, images: false, cachePoint: false },
    });
  });

  it('init refuses to overwrite without --force (exit 2), and overwrites with it', async () => {
    const home = await emptyHome();
    const file = join(home, 'mine.yaml');
    await writeFile(file, 'keep me\n');
    const refused = await runCli(['config', 'init', file], { env: cleanEnv(home) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/mine\.yaml already exists/);
    expect(refused.stderr).toMatch(/--force/);
    expect(await readFile(file, 'utf8')).toBe('keep me\n');
    const forced = await runCli(['config', 'init', file, '--force'], { env: cleanEnv(home) });
    expect(forced.code).toBe(0);
    expect(await readFile(file, 'utf8')).toMatch(/BEDROCK_HA_PT_ARN/);
  });

  it('validate lists every problem with its path and fix, and exits 2', async () => {
    const home = await emptyHome();
    const file = join(home, 'bad.yaml');
    await writeFile(
      file,
      'chains:\n  main:\n    endpoints:\n      - { modelId: x, region: mars, colour: red }\n',
    );
    const text = await runCli(['config', 'validate', file], { env: cleanEnv(home) });
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/bad\.yaml has 2 problems/);
    expect(text.stderr).toMatch(/^chains\.main\.endpoints\.0\.region\s+an AWS region such as us-east-1/m);
    expect(text.stderr).toMatch(
      /^chains\.main\.endpoints\.0\s+unknown key "colour"\s+known keys: id, kind, region/m,
    );
    const json = await runCli(['config', 'validate', file, '--json'], { env: cleanEnv(home) });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      issues: expect.arrayContaining([expect.objectContaining({ path: 'chains.main.endpoints.0.region' })]),
    });
  });

  it('validate warns of fallbacks that cannot help and of a worst case past the deadline; --strict fails on them', async () => {
    const home = await emptyHome();
    const file = join(home, 'graph.yaml');
    const haiku = 'anthropic.claude-3-haiku-20240307-v1:0';
    await writeFile(
      file,
      [
        'deadlineMs: 30000',
        'endpoints:',
        `  shared: { region: us-east-1, modelId: ${haiku} }`,
        `  forgotten: { region: eu-west-1, modelId: ${haiku} }`,
        'chains:',
        '  main:',
        '    endpoints:',
        '      - shared',
        `      - { id: again, region: us-east-1, modelId: ${haiku} }`,
        `      - { id: west, region: us-west-2, modelId: ${haiku} }`,
        '  quick:',
        '    policy: { timeouts: { attemptMs: 5000, firstTokenMs: 3000 } }',
        '    endpoints:',
        `      - { id: east2, region: us-east-2, modelId: ${haiku} }`,
        `      - { id: west2, region: us-west-2, modelId: ${haiku} }`,
      ].join('\n'),
    );
    const text = await runCli(['config', 'validate', file], { env: cleanEnv(home) });
    expect(text.code).toBe(0);
    // 3 endpoints x (2 x 60 s + 100 ms); 2 x (2 x 5 s + 100 ms).
    expect(text.stdout).toMatch(/^main\s+3\s+6\s+360\.3 s\s+120\.3 s\s+30 s\s+1 of 3$/m);
    expect(text.stdout).toMatch(/^quick\s+2\s+4\s+20\.2 s\s+12\.2 s\s+30 s\s+2 of 2$/m);
    expect(text.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^warning: chains\.main\.endpoints\.1: "again" serves .* in us-east-1 like "shared"/,
      ),
      expect.stringMatching(/^warning: endpoints\.forgotten: is defined but no chain refers to it/),
      expect.stringMatching(
        /^warning: deadlineMs: chain "main": the worst case of a request is 360\.3 s .*1 of 3 endpoints/,
      ),
      expect.stringMatching(/^warning: deadlineMs: chain "main": .* stream's first content is 120\.3 s/),
    ]);

    const strict = await runCli(['config', 'validate', file, '--strict'], { env: cleanEnv(home) });
    expect(strict.code).toBe(1);

    const json = await runCli(['config', 'validate', file, '--json'], { env: cleanEnv(home) });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({ valid: true, chains: ['main', 'quick'], cycles: [] });
    expect(result.warnings.map((warning: { kind: string }) => warning.kind)).toEqual([
      'duplicate-endpoint',
      'unreferenced-endpoint',
      'deadline-exceeded',
      'deadline-exceeded',
    ]);
    expect(result.worstCase[0]).toMatchObject({
      chain: 'main',
      attempts: 6,
      unaryMs: 360_300,
      deadlineMs: 30_000,
      reachableEndpoints: 1,
    });
  });

  it('validate reports a file that does not exist as a usage error', async () => {
    const home = await emptyHome();
    const { code, stderr } = await runCli(['config', 'validate', 'nowhere.yaml'], {
      env: cleanEnv(home),
      cwd: home,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot read .*nowhere\.yaml: no such file/);
  });

  it("schema prints core's JSON Schema", async () => {
    const { code, stdout } = await runCli(['config', 'schema'], { env: cleanEnv(await emptyHome()) });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(configJsonSchema());
  });
});
