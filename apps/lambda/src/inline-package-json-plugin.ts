import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

// `createRequire(import.meta.url)('../package.json')`, as @bedrock-ha/core reads its version.
const PACKAGE_JSON_READ = /createRequire\(import\.meta\.url\)\(\s*(['"])(\.{1,2}\/package\.json)\1\s*\)/g;

/**
 * Inlines `package.json` files that bundled sources read through `createRequire` at run time: in a
 * bundle the relative path points nowhere and the function would fail at init. esbuild inlines
 * `import` of JSON by itself, but cannot see through `createRequire`.
 */
export function inlinePackageJsonPlugin(): Plugin {
  return {
    name: 'inline-package-json',
    setup(build) {
      build.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const reads = [...source.matchAll(PACKAGE_JSON_READ)];
        if (reads.length === 0) return undefined;
        let contents = source;
        for (const [call, , relative] of reads) {
          const manifest = JSON.parse(await readFile(resolve(dirname(args.path), relative!), 'utf8'));
          // Only what such reads use, not the whole manifest.
          contents = contents.replace(
            call,
            JSON.stringify({ name: manifest.name, version: manifest.version }),
          );
        }
        return { contents, loader: 'ts' };
      });
    },
  };
}
