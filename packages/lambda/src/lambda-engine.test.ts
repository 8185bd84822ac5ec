import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, precompileConfig } from '@bedrock-ha/core';
import { describe, expect, it } from 'vitest';
import { lambdaConfig } from './lambda-engine.js';
import { loadLambdaEngine } from './load-lambda-engine.js';

const CONFIG = {
  chains: { fast: { endpoints: [{ region: 'us-east-1', modelId: 'amazon.nova-micro-v1:0' }] } },
};

describe('lambdaConfig', () => {
  it('reads the configuration inline from BEDROCK_HA_CONFIG_JSON', () => {
    const config = lambdaConfig({ env: { BEDROCK_HA_CONFIG_JSON: JSON.stringify(CONFIG) } });

    expect(Object.keys(config.chains)).toEqual(['fast']);
  });

  it('reads a bundled YAML file named by BEDROCK_HA_CONFIG, with environment references', () => {
    const directory = mkdtempSync(join(tmpdir(), 'bedrock-ha-lambda-'));
    const path = join(directory, 'bedrock-ha.yaml');
    writeFileSync(
      path,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax
      'chains:\n  fast:\n    endpoints:\n      - region: ${REGION}\n        modelId: amazon.nova-micro-v1:0\n',
    );

    const config = lambdaConfig({ env: { BEDROCK_HA_CONFIG: path, REGION: 'eu-west-1' } });

    expect(config.chains.fast?.endpoints[0]).toMatchObject({ region: 'eu-west-1' });
  });

  it('prefers an explicit config over the environment', () => {
    const config = lambdaConfig({ config: CONFIG, env: { BEDROCK_HA_CONFIG: '/nowhere.json' } });

    expect(config).toBe(CONFIG);
  });

  it('says how to provide a configuration when there is none', () => {
    const error = (() => {
      try {
        lambdaConfig({ env: {} });
      } catch (caught) {
        return caught;
      }
    })();

    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/BEDROCK_HA_CONFIG.*BEDROCK_HA_CONFIG_JSON/);
  });

  it('names a missing file and a bad extension', () => {
    expect(() => lambdaConfig({ env: { BEDROCK_HA_CONFIG: '/var/task/missing.json' } })).toThrow(
      /cannot read \/var\/task\/missing.json: no such file/,
    );
    expect(() => lambdaConfig({ configPath: 'bedrock-ha.toml' })).toThrow(
      /name the file .json, .yaml or .yml/,
    );
  });

  it('reports an invalid inline configuration with its source', () => {
    expect(() => lambdaConfig({ env: { BEDROCK_HA_CONFIG_JSON: '{"chains": {}' } })).toThrow(
      /BEDROCK_HA_CONFIG_JSON/,
    );
  });
});

describe('loadLambdaEngine', () => {
  it('builds the engine from a YAML file after loading YAML support', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bedrock-ha-lambda-')), 'bedrock-ha.yml');
    writeFileSync(
      path,
      'chains:\n  fast:\n    endpoints:\n      - region: us-east-1\n        modelId: amazon.nova-micro-v1:0\n',
    );

    const engine = await loadLambdaEngine({ env: { BEDROCK_HA_CONFIG: path } });

    expect(engine.chains).toEqual(['fast']);
    engine.destroy();
  });

  it('rejects a BEDROCK_HA_STATE_URL that is not a Redis URL before creating the engine', async () => {
    const loading = loadLambdaEngine({
      config: CONFIG,
      env: { BEDROCK_HA_STATE_URL: 'http://cache.internal:6379' },
    });

    await expect(loading).rejects.toSatisfy((error) => ConfigError.isInstance(error));
    await expect(loading).rejects.toThrow(/redis/i);
  });

  it('builds the engine from a precompiled file, as the construct deploys it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bedrock-ha-lambda-')), 'bedrock-ha.json');
    writeFileSync(path, precompileConfig(JSON.stringify(CONFIG), 'json', { env: {} }));

    const engine = await loadLambdaEngine({ env: { BEDROCK_HA_CONFIG: path } });

    expect(engine.chains).toEqual(['fast']);
    engine.destroy();
  });

  it('validates a precompiled file with references at init, naming the variable that is not set', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bedrock-ha-lambda-')), 'bedrock-ha.json');
    const written = `chains:\n  fast:\n    endpoints:\n      - { region: "\${REGION}", modelId: amazon.nova-micro-v1:0 }\n`;
    writeFileSync(path, precompileConfig(written, 'yaml', { env: { REGION: 'us-east-1' } }));

    const loading = loadLambdaEngine({ env: { BEDROCK_HA_CONFIG: path } });

    await expect(loading).rejects.toSatisfy((error) => ConfigError.isInstance(error));
    await expect(loading).rejects.toThrow(/bedrock-ha\.json[\s\S]*REGION, which is not set/);
    const engine = await loadLambdaEngine({ env: { BEDROCK_HA_CONFIG: path, REGION: 'eu-west-1' } });
    expect(engine.chains).toEqual(['fast']);
    engine.destroy();
  });

  it('reads a precompiled file synchronously too (createLambdaEngine, createHandler)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bedrock-ha-lambda-')), 'bedrock-ha.json');
    writeFileSync(path, precompileConfig(JSON.stringify(CONFIG), 'json', { env: {} }));

    expect(lambdaConfig({ env: { BEDROCK_HA_CONFIG: path } })).toEqual(CONFIG);
  });
});
