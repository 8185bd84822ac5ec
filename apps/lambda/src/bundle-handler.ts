import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Options of {@link bundleHandler}. */
export interface BundleOptions {
  /** Where `handler.mjs` and `handler.mjs.map` go. */
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
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * Bundles the Lambda handler into one ESM file with esbuild: tree-shaken, minified, with an
 * external source map (Lambda applies it with `NODE_OPTIONS=--enable-source-maps`). Everything is
 * inside, `@aws-sdk/*` included, so the deployed SDK version is the one tested, not the runtime's.
 * Workspace packages are bundled from their sources, so no build is needed first.
 */
export async function bundleHandler(options: BundleOptions): Promise<BundleResult> {
  const file = join(options.outDir, 'handler.mjs');
  await build({
    entryPoints: [options.entry ?? fileURLToPath(new URL('../src/handler.ts', import.meta.url))],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // Node 20 syntax runs on the nodejs22.x and nodejs24.x runtimes, and on the machines that test it.
    target: 'node20',
    // `module` picks the ES module builds of the SDK and smithy where their `exports` offer one (it
    // is no longer implied once `conditions` is set); `mainFields` does the same for packages
    // without `exports`. ES modules tree-shake better than CommonJS and skip its wrappers at init.
    conditions: ['@bedrock-ha/source', 'module'],
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
  return {
    file,
    bytes: statSync(file).size,
    gzipBytes: gzipSync(readFileSync(file)).byteLength,
  };
}
