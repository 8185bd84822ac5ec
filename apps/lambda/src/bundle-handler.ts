import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { CHUNK_DIRECTORY } from './bundle-layout.js';

/** Options of {@link bundleHandler}. */
export interface BundleOptions {
  /** Where `handler.mjs`, its source map and the `chunks/` it loads go. */
  readonly outDir: string;
  /** The entry module (default: this package's `src/handler.ts`). */
  readonly entry?: string;
  /** Default true. */
  readonly minify?: boolean;
}

/** What {@link bundleHandler} wrote. */
export interface BundleResult {
  /** The path of `handler.mjs`. */
  readonly file: string;
  /** All the code deployed: `handler.mjs` and every chunk. */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** `handler.mjs` alone; chunks it imports only dynamically load on first use, if ever. */
  readonly entryBytes: number;
}

/**
 * Bundles the Lambda handler with esbuild: tree-shaken, minified, ES modules with external source
 * maps (Lambda applies them with `NODE_OPTIONS=--enable-source-maps`). Everything is inside,
 * `@aws-sdk/*` included, so the deployed SDK version is the one tested, not the runtime's.
 * Workspace packages are bundled from their sources, so no build is needed first.
 *
 * Code splitting puts what the SDK imports dynamically (the SSO, INI, STS and web-identity
 * credential providers, which a Lambda's role credentials never need), configuration validation
 * (zod, the schema, `yaml`; not needed for a precompiled configuration), the OpenAI request schema
 * (loaded on the first chat completion) and the Redis client in `chunks/`, so the cold start
 * compiles less.
 */
export async function bundleHandler(options: BundleOptions): Promise<BundleResult> {
  const file = join(options.outDir, 'handler.mjs');
  // Chunk names carry a content hash: chunks of an earlier build must not linger and be deployed.
  rmSync(join(options.outDir, CHUNK_DIRECTORY), { recursive: true, force: true });
  const result = await build({
    entryPoints: { handler: options.entry ?? fileURLToPath(new URL('../src/handler.ts', import.meta.url)) },
    outdir: options.outDir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: `${CHUNK_DIRECTORY}/[name]-[hash]`,
    metafile: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The oldest runtime the construct allows (nodejs22.x), which is also the project's Node floor.
    target: 'node22',
    // `module` picks the ES module builds of the SDK and smithy where their `exports` offer one (it
    // is no longer implied once `conditions` is set); `mainFields` does the same for packages
    // without `exports`. ES modules tree-shake better than CommonJS and skip its wrappers at init.
    // `@bedrock-ha/lazy-validation` resolves @bedrock-ha/core and @bedrock-ha/lambda to their entries
    // without synchronous configuration loading: the configuration schema and zod are then reachable
    // only through `loadLambdaEngine`'s dynamic import, so they land in a chunk of their own that a
    // precompiled configuration never loads (esbuild splits by file, so a barrel that re-exported
    // them would pull them into the entry).
    conditions: ['@bedrock-ha/lazy-validation', '@bedrock-ha/source', 'module'],
    mainFields: ['module', 'main'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    treeShaking: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Some bundled CommonJS code calls require() for Node built-ins, which an ES module lacks.
    banner: {
      js: "import { createRequire as __bedrockHaCreateRequire } from 'node:module'; const require = __bedrockHaCreateRequire(import.meta.url);",
    },
  });
  const code = Object.keys(result.metafile.outputs)
    .filter((output) => output.endsWith('.mjs'))
    .map((output) => readFileSync(resolve(output)));
  return {
    file,
    bytes: code.reduce((total, content) => total + content.byteLength, 0),
    gzipBytes: code.reduce((total, content) => total + gzipSync(content).byteLength, 0),
    entryBytes: readFileSync(file).byteLength,
  };
}
