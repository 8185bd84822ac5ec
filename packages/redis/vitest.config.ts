import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@bedrock-ha/source'] },
  ssr: { resolve: { conditions: ['@bedrock-ha/source'] } },
  test: { name: 'redis', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 20_000 },
});
