import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_HASH } from '../src/config/config-schema-hash.js';
import { configJsonSchema } from '../src/config/json-schema.js';

const REGENERATE = 'run `pnpm -F @bedrock-ha/core build && pnpm -F @bedrock-ha/core schema`';

describe('bedrock-ha.schema.json', () => {
  it('is the JSON Schema of the current config schema', async () => {
    const committed = JSON.parse(
      await readFile(new URL('../bedrock-ha.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed, `bedrock-ha.schema.json is out of date: ${REGENERATE}`).toEqual(configJsonSchema());
  });

  it('is the version precompiled configurations carry, so an older one is validated again', () => {
    const hash = createHash('sha256').update(JSON.stringify(configJsonSchema())).digest('hex').slice(0, 16);
    expect(CONFIG_SCHEMA_HASH, `config-schema-hash.ts is out of date: ${REGENERATE}`).toBe(hash);
  });

  it('describes the fields users write, for editors', () => {
    const schema = configJsonSchema() as {
      $id: string;
      properties: {
        chains: { additionalProperties: { properties: { endpoints: { items: { anyOf: unknown[] } } } } };
      };
    };
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: expect.any(String),
    });
    expect(schema.$id).toMatch(/bedrock-ha\.schema\.json$/);
    const [reference, endpoint] =
      schema.properties.chains.additionalProperties.properties.endpoints.items.anyOf;
    expect(reference).toMatchObject({ type: 'string' });
    expect(endpoint).toMatchObject({
      required: ['modelId'],
      additionalProperties: false,
      properties: {
        kind: { enum: ['provisioned', 'on-demand', 'inference-profile'], description: expect.any(String) },
        modelId: { description: expect.stringContaining('ARN') },
      },
    });
  });
});
