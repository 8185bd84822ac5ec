import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import pc from 'picocolors';
import type { CommandContext } from './command-context.js';
import { registerConfig } from './commands/config.js';
import { registerConverse } from './commands/converse.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerProvision } from './commands/provision.js';
import { registerServe } from './commands/serve.js';
import { registerSimulate } from './commands/simulate.js';
import { addGlobalOptions } from './global-options.js';

function packageVersion(): string {
  // dist/program.js and src/program.ts both sit one level below package.json.
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * The `bedrock-ha` command tree. Commander's own exits are turned into exceptions
 * (`exitOverride`), so that `run` maps every usage mistake to exit code 2.
 */
export function createProgram(context: CommandContext): Command {
  const program = new Command('bedrock-ha')
    .description(
      'Keeps applications on Amazon Bedrock answering when a model endpoint is throttled, slow or down.\nStart with `bedrock-ha demo`: no AWS account needed.',
    )
    .version(packageVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(pc.red(text)) })
    .showHelpAfterError(pc.dim('(add --help for usage)'))
    .addHelpText(
      'after',
      '\nExit codes: 0 ok; 1 the request failed on every endpoint, or a check failed; 2 usage or configuration error.',
    );
  addGlobalOptions(program);
  registerDemo(program, context);
  registerConverse(program, context);
  registerProvision(program, context);
  registerDoctor(program, context);
  registerConfig(program, context);
  registerSimulate(program, context);
  registerServe(program, context);
  return program;
}
