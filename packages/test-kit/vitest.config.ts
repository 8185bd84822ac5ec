import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@bedrock-ha/source'] },
  ssr: { resolve: { conditions: ['@bedrock-ha/source'] } },
  test: { name: 'test-kit', include: ['src/**/*.test.ts'], testTimeout: 20_000 },
});
