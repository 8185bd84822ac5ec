import { type Command, InvalidArgumentError } from 'commander';

/** The options every command accepts, in the aws CLI's spelling. */
export interface GlobalOptions {
  /**
   * AWS region of commands that talk to one region (provision), and the primary region of the
   * seed flags; a config file's endpoints name their own regions.
   */
  readonly region?: string;
  /** Named profile from ~/.aws/config and ~/.aws/credentials. */
  readonly profile?: string;
  /** Send every AWS call here instead of the public endpoints (the simulator, a VPC endpoint). */
  readonly endpointUrl?: string;
  /** A bedrock-ha configuration file (YAML or JSON). */
  readonly config?: string;
  /** Print machine-readable JSON on stdout instead of text. */
  readonly json: boolean;
  /** Print details: every engine event, and stack traces of unexpected errors. */
  readonly verbose: boolean;
}

/** Adds the global options to the root command; commander accepts them before or after a subcommand. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option(
      '--region <region>',
      'AWS region (default: AWS_REGION, then the profile); with --provisioned-arn the PT region; a --config names its own',
    )
    .option('--profile <name>', 'named profile from ~/.aws/config (default: AWS_PROFILE)')
    .option('--endpoint-url <url>', 'send AWS calls to this URL, e.g. a running simulator', endpointUrl)
    .option('--config <file>', 'bedrock-ha configuration file, YAML or JSON (default: BEDROCK_HA_CONFIG)')
    .option('--json', 'print JSON on stdout')
    .option('--verbose', 'print every engine event, and stack traces')
    .option('--no-color', 'plain output (NO_COLOR=1 does the same)');
}

/**
 * Checks `--endpoint-url` where the user typed it, so that a mistake names the flag rather than
 * the config key (`client.endpoint`) it ends up in. The AWS SDK needs the scheme.
 */
export function endpointUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new InvalidArgumentError(
      `expected a URL starting with http:// or https://, e.g. http://${value.replace(/^[a-z]+:\/\//i, '')}`,
    );
  }
  return value;
}

/** The global options as seen from a (sub)command. */
export function globalOptions(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<Record<string, unknown>>();
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const options: {
    region?: string;
    profile?: string;
    endpointUrl?: string;
    config?: string;
    json: boolean;
    verbose: boolean;
  } = { json: all.json === true, verbose: all.verbose === true };
  const region = text(all.region);
  const profile = text(all.profile);
  const endpointUrl = text(all.endpointUrl);
  const config = text(all.config) ?? text(process.env.BEDROCK_HA_CONFIG);
  if (region) options.region = region;
  if (profile) options.profile = profile;
  if (endpointUrl) options.endpointUrl = endpointUrl;
  if (config) options.config = config;
  return options;
}
