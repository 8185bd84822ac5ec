import { type Command, Option } from 'commander';
import type { CommandContext } from '../command-context.js';
import { globalOptions } from '../global-options.js';
import { integerOption } from '../integer-option.js';
import { Output } from '../output.js';
import type { ProvisionSession } from '../provision/provision-actions.js';

/** `bedrock-ha provision create|status|wait|list|delete`: the sample's Provisioned Throughput steps. */
export function registerProvision(program: Command, context: CommandContext): void {
  // Each action loads the control-plane client on use: --help and usage mistakes do without it.
  const withSession = async (command: Command, action: (session: ProvisionSession) => Promise<void>) => {
    const { ProvisionSession } = await import('../provision/provision-actions.js');
    const { simulatorDefaults } = await import('../control-plane-client.js');
    const globals = globalOptions(command);
    const session = new ProvisionSession(
      globals,
      new Output(globals),
      context.signal,
      context.setExitCode,
      await simulatorDefaults(globals),
    );
    try {
      await action(session);
    } finally {
      session.close();
    }
  };
  const actions = () => import('../provision/provision-actions.js');

  const provision = program
    .command('provision')
    .description('create, watch, list and delete Provisioned Throughput (bills hourly until deleted)');

  provision
    .command('create')
    .description('buy a Provisioned Throughput (aws bedrock create-provisioned-model-throughput)')
    .requiredOption(
      '--model-id <id>',
      'base model id or ARN, e.g. anthropic.claude-3-haiku-20240307-v1:0:48k',
    )
    .requiredOption('--name <name>', 'provisioned model name, e.g. ha-test-model')
    .option('--units <n>', 'model units', integerOption(1, 10_000), 1)
    .addOption(
      new Option('--commitment <term>', 'commitment term (default: none, billed hourly)').choices([
        'OneMonth',
        'SixMonths',
      ]),
    )
    .action(
      async (
        options: { modelId: string; name: string; units: number; commitment?: string },
        command: Command,
      ) => withSession(command, async (session) => (await actions()).createThroughput(session, options)),
    );

  provision
    .command('status')
    .description('show one Provisioned Throughput (aws bedrock get-provisioned-model-throughput)')
    .argument('<name-or-arn>', 'its name or ARN')
    .action(async (id: string, _options: unknown, command: Command) =>
      withSession(command, async (session) => (await actions()).showThroughput(session, id)),
    );

  provision
    .command('wait')
    .description('wait until a Provisioned Throughput is InService, showing its progress')
    .argument('<name-or-arn>', 'its name or ARN')
    .option('--timeout <seconds>', 'give up after this long', integerOption(1), 1_800)
    .option('--poll-interval <ms>', 'time between status checks', integerOption(10), 5_000)
    .action(async (id: string, options: { timeout: number; pollInterval: number }, command: Command) =>
      withSession(command, async (session) => (await actions()).waitThroughput(session, id, options)),
    );

  provision
    .command('list')
    .description('list Provisioned Throughputs in the region')
    .action(async (_options: unknown, command: Command) =>
      withSession(command, async (session) => (await actions()).listThroughputs(session)),
    );

  provision
    .command('delete')
    .description('delete a Provisioned Throughput, which stops its billing')
    .argument('<name-or-arn>', 'its name or ARN')
    .option('-y, --yes', 'do not ask for confirmation (needed without a terminal)', false)
    .action(async (id: string, options: { yes: boolean }, command: Command) =>
      withSession(command, async (session) => (await actions()).deleteThroughput(session, id, options.yes)),
    );
}
