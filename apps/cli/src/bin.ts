#!/usr/bin/env node
import { run } from './run.js';

// The AWS SDK warns once per process that its 2027 releases need Node 22; Node 20 is our floor by
// design, and the notice would land in the middle of the CLI's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
