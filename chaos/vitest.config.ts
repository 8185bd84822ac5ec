import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The chaos suite: whole fault scenarios against the simulator, run by `pnpm test:chaos` (and CI),
// outside the default `pnpm test` run because each file takes seconds to minutes of load.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: { conditions: ['@bedrock-ha/source'] },
  ssr: { resolve: { conditions: ['@bedrock-ha/source'] } },
  test: {
    name: 'chaos',
    include: ['chaos/**/*.chaos.ts'],
    // One file at a time: the timing criteria (deadline overshoot, skip cost) would otherwise measure
    // the other files' load on a 2-core machine, not the engine.
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 30_000,
    reporters: [
      'default',
      ['json', { outputFile: process.env.VITEST_JSON ?? 'test-results/vitest-chaos.json' }],
    ],
  },
});
