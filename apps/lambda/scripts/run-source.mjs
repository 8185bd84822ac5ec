// Runs one of this package's TypeScript commands without a build: esbuild bundles it with the
// workspace packages' sources (the `@bedrock-ha/source` condition) into .cache/, then Node runs it.
// aws-cdk-lib, constructs and esbuild stay external: they are plain JavaScript in node_modules.
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-source.mjs <src/file.ts> [arguments]');
  process.exit(2);
}
const outfile = fileURLToPath(new URL(`../.cache/${basename(entry, '.ts')}.mjs`, import.meta.url));
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  conditions: ['@bedrock-ha/source'],
  external: ['aws-cdk-lib', 'constructs', 'esbuild'],
  sourcemap: 'inline',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __runSourceCreateRequire } from 'node:module'; const require = __runSourceCreateRequire(import.meta.url);",
  },
});
const run = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...args], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
