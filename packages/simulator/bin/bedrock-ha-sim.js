#!/usr/bin/env node
// The package's binary: a committed file outside dist/ so that pnpm can link it at install, before
// the first build; the program itself is dist/bin.js, built from src/bin.ts.
try {
  await import('../dist/bin.js');
} catch (error) {
  // Only the missing build gets this message; any other load error surfaces unchanged.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.url).endsWith('/dist/bin.js')) throw error;
  process.stderr.write('bedrock-ha-sim: packages/simulator/dist is missing; run `pnpm build` first.\n');
  process.exit(1);
}
