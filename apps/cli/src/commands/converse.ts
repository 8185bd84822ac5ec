import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import type { ConverseOptions } from '../converse/converse-run.js';
import { globalOptions } from '../global-options.js';
import { integerOption } from '../integer-option.js';
import { Output } from '../output.js';

/** `bedrock-ha converse [prompt]`: one request, or `--repeat N`, through a chain. */
export function registerConverse(program: Command, context: CommandContext): void {
  program
    .command('converse')
    .description(
      "send a prompt through a chain (from --config, or the AWS sample's flags) and print the answer",
    )
    .argument('[prompt]', 'the prompt; read from stdin when piped or "-"')
    .option('--chain <name>', 'chain of the --config file to call (default: the first)')
    .option('--provisioned-arn <arn>', "the sample's primary: a Provisioned Throughput ARN")
    .option('--primary-region <region>', "the PT's region (default: --region, then the ARN's)")
    .option('--fallback-region <region>', 'region of the on-demand fallback (default: us-west-2)')
    .option('--fallback-model <id>', 'on-demand fallback model (default: Claude 3 Haiku)')
    .option('--repeat <n>', 'send the prompt this many times, one after another', integerOption(1, 10_000), 1)
    .option('--stream', 'stream the answer (default when stdout is a terminal)')
    .option('--no-stream', 'wait for the whole answer (Converse instead of ConverseStream)')
    .option('--max-tokens <n>', 'longest answer, in tokens', integerOption(1))
    .action(async (argument: string | undefined, options: ConverseOptions, command: Command) => {
      const globals = globalOptions(command);
      // Loaded on use: the engine is not needed for --help or a usage mistake.
      const { runConverse } = await import('../converse/converse-run.js');
      context.setExitCode(await runConverse(argument, options, globals, new Output(globals), context.signal));
    });
}
