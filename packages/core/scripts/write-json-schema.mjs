// Writes bedrock-ha.schema.json, and the schema's hash into src/config/config-schema-hash.ts (the
// version precompiled configurations carry), from the built package: `pnpm -F @bedrock-ha/core build` first.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const target = fileURLToPath(new URL('../bedrock-ha.schema.json', import.meta.url));
const hashFile = fileURLToPath(new URL('../src/config/config-schema-hash.ts', import.meta.url));

let configJsonSchema;
try {
  ({ configJsonSchema } = await import('../dist/index.js'));
} catch (error) {
  console.error(`Cannot load ../dist/index.js (${error.message}); run pnpm -F @bedrock-ha/core build first.`);
  process.exit(1);
}
if (typeof configJsonSchema !== 'function') {
  console.error(
    'dist/index.js does not export configJsonSchema; rebuild with pnpm -F @bedrock-ha/core build.',
  );
  process.exit(1);
}

const schema = configJsonSchema();
await writeFile(target, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`Wrote ${target}`);
const hash = createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16);
const source = await readFile(hashFile, 'utf8');
await writeFile(
  hashFile,
  source.replace(/CONFIG_SCHEMA_HASH = '[0-9a-f]*'/, `CONFIG_SCHEMA_HASH = '${hash}'`),
);
console.log(`Wrote ${hashFile} (${hash})`);
