import type { Simulator, SimulatorOptions } from '@bedrock-ha/simulator';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { CliError, ExitCode } from '../exit-code.js';
import { globalOptions } from '../global-options.js';
import { integerOption } from '../integer-option.js';
import { Output } from '../output.js';
import { waitForAbort } from '../wait-for-abort.js';

interface SimulateOptions {
  readonly scenario?: string;
  readonly port: number;
  readonly host: string;
  readonly seed?: number;
}

/** `bedrock-ha simulate`: the simulator, standalone, until SIGINT or SIGTERM. */
export function registerSimulate(program: Command, context: CommandContext): void {
  program
    .command('simulate')
    .description('run the local Bedrock simulator until Ctrl-C; point --endpoint-url (or any AWS SDK) at it')
    .option('--scenario <file>', 'YAML or JSON scenario: PTs, quotas, answers, faults')
    .option('--port <n>', 'TCP port (0 picks a free one)', integerOption(0, 65_535), 4010)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed of every random choice', integerOption(Number.MIN_SAFE_INTEGER))
    .action(async (options: SimulateOptions, command: Command) => {
      const output = new Output(globalOptions(command));
      // Loaded on use: --help and usage mistakes answer without loading the simulator.
      const { loadScenario, startSimulator } = await import('@bedrock-ha/simulator');
      let scenario: SimulatorOptions = {};
      if (options.scenario !== undefined) {
        try {
          scenario = await loadScenario(options.scenario);
        } catch (error) {
          throw new CliError((error as Error).message, ExitCode.usage);
        }
      }
      const overrides: SimulatorOptions = { port: options.port, host: options.host };
      if (options.seed !== undefined) overrides.seed = options.seed;
      let simulator: Simulator;
      try {
        simulator = await startSimulator({ ...scenario, ...overrides });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') {
          throw new CliError(
            `port ${options.port} is in use`,
            ExitCode.failed,
            'choose another with --port (0 picks a free one)',
          );
        }
        throw new CliError((error as Error).message, code === undefined ? ExitCode.usage : ExitCode.failed);
      }
      if (output.json) output.result({ url: simulator.url, scenario: options.scenario ?? null });
      output.line(
        `bedrock-ha simulator listening on ${simulator.url} (scenario: ${options.scenario ?? 'none'})`,
      );
      for (const pt of simulator.provisionedThroughputs()) {
        output.line(`Provisioned Throughput ${pt.name} (${pt.region}, ${pt.status}): ${pt.arn}`);
      }
      const [first] = simulator.provisionedThroughputs();
      if (first) {
        output.line(
          `Try: bedrock-ha converse --endpoint-url ${simulator.url} --provisioned-arn ${first.arn} "hello"`,
        );
      }
      await waitForAbort(context.signal);
      await simulator.close();
      output.note('simulator stopped');
    });
}
