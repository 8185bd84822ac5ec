import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { resolveEngineConfig } from '../engine-config.js';
import { CliError, ExitCode } from '../exit-code.js';
import { globalOptions } from '../global-options.js';
import { integerOption } from '../integer-option.js';
import { Output } from '../output.js';
import type { SeedFlags } from '../seed-chain.js';
import { waitForAbort } from '../wait-for-abort.js';

interface ServeOptions extends SeedFlags {
  readonly port: number;
  readonly host?: string;
  readonly apiKey?: string[];
  readonly logLevel: string;
  readonly affinityHeader?: string;
}

/** `bedrock-ha serve`: the OpenAI-compatible and Bedrock-native gateway, until SIGINT or SIGTERM. */
export function registerServe(program: Command, context: CommandContext): void {
  program
    .command('serve')
    .description('run the HTTP gateway (OpenAI-compatible and Bedrock-native routes) over a chain config')
    .option('--port <n>', 'TCP port (0 picks a free one)', integerOption(0, 65_535), 8080)
    .option(
      '--host <host>',
      'interface to listen on (default: 127.0.0.1; 0.0.0.0 is every interface and needs API keys)',
    )
    .option(
      '--api-key <key...>',
      'accepted API keys (default: BEDROCK_HA_API_KEYS, comma-separated); required off loopback unless BEDROCK_HA_AUTH=none',
    )
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent', 'info')
    .option(
      '--affinity-header <name>',
      'request header whose value keeps requests on one endpoint for prompt-cache hits (default: BEDROCK_HA_AFFINITY_HEADER, then x-session-id)',
    )
    .option('--provisioned-arn <arn>', "serve the AWS sample's setup instead of a --config file")
    .option('--primary-region <region>', "the PT's region (default: --region, then the ARN's)")
    .option('--fallback-region <region>', 'region of the on-demand fallback (default: us-west-2)')
    .option('--fallback-model <id>', 'on-demand fallback model (default: Claude 3 Haiku)')
    .action(async (options: ServeOptions, command: Command) => {
      const globals = globalOptions(command);
      const output = new Output(globals);
      const { config } = await resolveEngineConfig(globals, options, output);
      const apiKeys = apiKeysOf(options.apiKey, process.env.BEDROCK_HA_API_KEYS);
      const auth = authOf(process.env.BEDROCK_HA_AUTH);
      const affinityHeader = affinityHeaderOf(options.affinityHeader, process.env.BEDROCK_HA_AFFINITY_HEADER);
      const stateUrl = stateUrlOf(process.env.BEDROCK_HA_STATE_URL);
      // Loaded here, not at the top: the gateway brings Express and the OpenTelemetry SDK, which
      // every other command can do without.
      const { startServer } = await import('@bedrock-ha/node');
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer({
          config,
          port: options.port,
          ...(options.host ? { host: options.host } : {}),
          apiKeys,
          ...(auth ? { auth } : {}),
          ...(stateUrl ? { stateUrl } : {}),
          logLevel: options.logLevel,
          ...(affinityHeader !== undefined && { affinityHeader }),
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new CliError(
            `port ${options.port} is in use`,
            ExitCode.failed,
            'choose another with --port (0 picks a free one)',
          );
        }
        // An invalid option such as --log-level, or no API keys off loopback; the server names it.
        if (error instanceof RangeError) throw new CliError(error.message, ExitCode.usage);
        throw error;
      }
      // On stderr: stdout carries the gateway's JSON log lines.
      output.note(
        `bedrock-ha gateway listening on ${server.url} (chains: ${Object.keys(config.chains).join(', ')})`,
      );
      await waitForAbort(context.signal);
      output.note('shutting down: letting requests in flight finish');
      await server.close();
    });
}

/**
 * The keys from `--api-key`, else from `BEDROCK_HA_API_KEYS`. A flag or variable given that holds
 * no key (`" , ,"`) is a mistake, not a wish for an open gateway.
 */
function apiKeysOf(flag: readonly string[] | undefined, variable: string | undefined): string[] {
  const keys = (flag ?? (variable ?? '').split(',')).map((key) => key.trim()).filter((key) => key !== '');
  if (keys.length > 0 || (flag === undefined && variable === undefined)) return keys;
  const source = flag === undefined ? 'BEDROCK_HA_API_KEYS is set but holds' : '--api-key holds';
  throw new CliError(
    `${source} no key`,
    ExitCode.usage,
    'give keys (--api-key k1 k2, or BEDROCK_HA_API_KEYS=k1,k2), or leave them out to listen on loopback only',
  );
}

/** `BEDROCK_HA_AUTH`: `none` opts out of keys beyond loopback; the server rejects other values. */
function authOf(variable: string | undefined): 'api-keys' | 'none' | undefined {
  const mode = variable?.trim().toLowerCase();
  if (!mode) return undefined;
  if (mode === 'none' || mode === 'api-keys') return mode;
  throw new CliError(`BEDROCK_HA_AUTH "${variable}" is not a mode`, ExitCode.usage, 'use api-keys or none');
}

/** `--affinity-header`, else `BEDROCK_HA_AFFINITY_HEADER`, in lower case; a name that is no header is a usage error. */
function affinityHeaderOf(flag: string | undefined, variable: string | undefined): string | undefined {
  const name = (flag ?? variable)?.trim().toLowerCase();
  if (!name) return undefined;
  if (/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  const source = flag === undefined ? 'BEDROCK_HA_AFFINITY_HEADER' : '--affinity-header';
  throw new CliError(
    `${source} "${flag ?? variable}" is not a header name`,
    ExitCode.usage,
    'use letters, digits and - (e.g. x-session-id)',
  );
}

/**
 * `BEDROCK_HA_STATE_URL`: the Redis a fleet of gateways shares its state through (it overrides the
 * config's `state`, as for the server). Never echoed: it may hold a password.
 */
function stateUrlOf(variable: string | undefined): string | undefined {
  const url = variable?.trim();
  if (!url) return undefined;
  if (!/^rediss?:\/\/[^\s]+$/.test(url))
    throw new CliError(
      'BEDROCK_HA_STATE_URL is not a Redis URL',
      ExitCode.usage,
      'use redis://host:6379, or rediss://user:password@host:6379 for TLS; unset it to keep state in this process',
    );
  return url;
}
