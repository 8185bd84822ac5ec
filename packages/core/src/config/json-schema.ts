// A namespace import: bundlers (esbuild, for the Lambda) then keep only the zod parts used here;
// `import { z }` makes them keep all of zod, its ~40 locales included (a third of a MB).
import * as z from 'zod';
import { configSchema } from './config-schema.js';

/** Where the published package's copy of the schema is served; also its `$id`. */
const SCHEMA_ID = 'https://unpkg.com/@bedrock-ha/core/bedrock-ha.schema.json';

/**
 * The JSON Schema (draft-07) of a configuration file as users write it, for editors'
 * completion and hover help. The package ships it as `@bedrock-ha/core/bedrock-ha.schema.json`.
 * It checks shapes, types and ranges; cross-references (endpoint ids, kind and region against the
 * model id) are checked only by `resolveConfig` and `loadConfig`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(configSchema, {
    io: 'input',
    // Draft-07 is what VS Code and the YAML language server support fully; for this schema the
    // keywords are the same as 2020-12's.
    target: 'draft-07',
    override: ({ zodSchema, jsonSchema }) => {
      // The refinement "at least one chain", which zod cannot translate.
      if (zodSchema === configSchema.shape.chains) jsonSchema.minProperties = 1;
      // zod bounds every integer by the safe range; those bounds are noise in an editor.
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    },
  });
  return {
    $schema,
    $id: SCHEMA_ID,
    title: 'bedrock-ha configuration',
    description:
      'Fallback chains of Amazon Bedrock endpoints and their resilience policies (@bedrock-ha/core).',
    ...schema,
  };
}
