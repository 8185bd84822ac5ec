import { describe, expect, it } from 'vitest';
import { createValidatedBedrockHA } from '../bedrock-ha.js';
import { CONFIG_SCHEMA_HASH } from './config-schema-hash.js';
import { parseConfigText } from './load-config.js';
import { precompileConfig } from './precompile-config.js';
import { PRECOMPILED_FORMAT, readPrecompiledConfig } from './precompiled-config.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const YAML = `chains:\n  chat:\n    endpoints:\n      - { id: west, region: us-west-2, modelId: ${HAIKU} }\n`;
const WITH_REFERENCE = `chains:\n  chat:\n    endpoints:\n      - { region: "\${REGION}", modelId: ${HAIKU} }\n`;

/** The error `run` throws, for comparing messages. */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

describe('precompileConfig', () => {
  it('writes the configuration as written, as JSON, with the schema version it passed', () => {
    const text = precompileConfig(YAML, 'yaml', { env: {} });

    expect(JSON.parse(text)).toEqual({
      precompiled: { format: PRECOMPILED_FORMAT, schema: CONFIG_SCHEMA_HASH },
      config: { chains: { chat: { endpoints: [{ id: 'west', region: 'us-west-2', modelId: HAIKU }] } } },
    });
  });

  it('keeps references unresolved, so no value of the build environment is written', () => {
    const text = precompileConfig(WITH_REFERENCE, 'yaml', { env: { REGION: 'eu-west-3' } });

    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax
    expect(text).toContain('${REGION}');
    expect(text).not.toContain('eu-west-3');
  });

  it('fails with the same errors as parseConfigText', () => {
    const invalid = `chains:\n  chat:\n    endpoints:\n      - { region: us-west-2, modelId: ${HAIKU}, weight: -1 }\n`;
    const options = { env: {}, source: 'bedrock-ha.yaml' };

    const precompiling = thrown(() => precompileConfig(invalid, 'yaml', options));

    expect(precompiling.message).toBe(thrown(() => parseConfigText(invalid, 'yaml', options)).message);
    expect(precompiling.message).toMatch(/bedrock-ha\.yaml[\s\S]*weight/);
  });
});

describe('readPrecompiledConfig', () => {
  it('trusts a configuration validated at precompile time that has no references', () => {
    const read = readPrecompiledConfig(precompileConfig(YAML, 'yaml', { env: {} }), { env: {} });

    expect(read).toEqual({
      validated: true,
      config: { chains: { chat: { endpoints: [{ id: 'west', region: 'us-west-2', modelId: HAIKU }] } } },
    });
    const engine = createValidatedBedrockHA(read?.validated ? read.config : { chains: {} });
    expect(engine.chains).toEqual(['chat']);
    engine.destroy();
  });

  it('hands back a configuration with references to validate, since their values are new', () => {
    const text = precompileConfig(WITH_REFERENCE, 'yaml', { env: { REGION: 'eu-west-3' } });

    const read = readPrecompiledConfig(text, { env: { REGION: 'not a region' } });

    expect(read?.validated).toBe(false);
    const again = read?.validated === false ? read.text : '';
    expect(() => parseConfigText(again, 'json', { env: {}, source: 'bedrock-ha.json' })).toThrow(
      /REGION, which is not set/,
    );
  });

  it('hands back a configuration validated against another schema version to validate again', () => {
    const text = JSON.stringify({
      precompiled: { format: PRECOMPILED_FORMAT, schema: 'an-older-schema' },
      config: { chains: { chat: { endpoints: [{ region: 'us-west-2', modelId: HAIKU, weight: -1 }] } } },
    });

    const read = readPrecompiledConfig(text, { env: {} });

    expect(read?.validated).toBe(false);
    expect(() => parseConfigText(read?.validated === false ? read.text : '', 'json')).toThrow(/weight/);
  });

  it('says a plain configuration is not precompiled', () => {
    expect(readPrecompiledConfig(JSON.stringify({ chains: {} }))).toBeUndefined();
  });

  it('names the source of text that is not JSON', () => {
    expect(() => readPrecompiledConfig('{"precompiled":', { source: 'bedrock-ha.json' })).toThrow(
      /bedrock-ha\.json[\s\S]*JSON syntax error/,
    );
  });
});

describe('createValidatedBedrockHA', () => {
  it('still checks what the schema does not: an endpoint reference that is not defined', () => {
    expect(() => createValidatedBedrockHA({ chains: { chat: { endpoints: ['nowhere'] } } })).toThrow(
      /refers to endpoint "nowhere", which is not defined/,
    );
  });
});
