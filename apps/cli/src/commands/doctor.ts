import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import type { DoctorOptions } from '../doctor/doctor-run.js';
import { globalOptions } from '../global-options.js';
import { Output } from '../output.js';

/** `bedrock-ha doctor`: checks the config, the credentials and every endpoint, with a fix per failure. */
export function registerDoctor(program: Command, context: CommandContext): void {
  program
    .command('doctor')
    .description(
      'check the configuration, credentials, and each endpoint: region reachable, PT status, model access',
    )
    .option(
      '--probe',
      'also send one real one-token request per endpoint (billed, a fraction of a cent)',
      false,
    )
    .option('--provisioned-arn <arn>', "check the AWS sample's setup instead of a --config file")
    .option('--primary-region <region>', "the PT's region (default: --region, then the ARN's)")
    .option('--fallback-region <region>', 'region of the on-demand fallback (default: us-west-2)')
    .option('--fallback-model <id>', 'on-demand fallback model (default: Claude 3 Haiku)')
    .action(async (options: DoctorOptions, command: Command) => {
      const globals = globalOptions(command);
      // Loaded on use: the SDK clients are not needed for --help or a usage mistake.
      const { runDoctor } = await import('../doctor/doctor-run.js');
      context.setExitCode(await runDoctor(options, globals, new Output(globals), context.signal));
    });
}
