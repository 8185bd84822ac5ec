import { defineConfig } from 'vitest/config';

// One vitest run covers every package. Tests import workspace packages through the
// `@bedrock-ha/source` export condition, so they run against src/ without a build;
// only tests that spawn a built binary need `pnpm build` first.
export default defineConfig({
  resolve: { conditions: ['@bedrock-ha/source'] },
  ssr: { resolve: { conditions: ['@bedrock-ha/source'] } },
  test: {
    projects: ['packages/*', 'apps/*'],
    reporters: ['default', ['json', { outputFile: process.env.VITEST_JSON ?? 'test-results/vitest.json' }]],
  },
});
