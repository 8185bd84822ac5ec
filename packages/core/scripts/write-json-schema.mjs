// Writes bedrock-ha.schema.json from the built package: `pnpm -F @bedrock-ha/core build` first.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const target = fileURLToPath(new URL('../bedrock-ha.schema.json', import.meta.url));

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

await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`Wrote ${target}`);
