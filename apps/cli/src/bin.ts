#!/usr/bin/env node
import { run } from './run.js';

run(process.argv.slice(2)).then(
  (code) => {
    // Exit explicitly: a keep-alive socket or a stray timer must not keep a finished command alive.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `bedrock-ha: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
