import { access, writeFile } from 'node:fs/promises';
import type { BedrockHAConfig, ConfigError } from '@bedrock-ha/core';
import type { Command } from 'commander';
import pc from 'picocolors';
import { renderCapabilities } from '../capabilities-report.js';
import { renderWorstCases } from '../chain-graph-report.js';
import type { CommandContext } from '../command-context.js';
import { ExitCode, usageError } from '../exit-code.js';
import { globalOptions } from '../global-options.js';
import { Output } from '../output.js';
import { starterConfig } from '../starter-config.js';
import { renderTable } from '../table.js';

const DEFAULT_FILE = 'bedrock-ha.yaml';

/** `bedrock-ha config init|validate|schema`. */
export function registerConfig(program: Command, context: CommandContext): void {
  const config = program.command('config').description('write, check or describe a configuration file');

  config
    .command('init')
    .description("write a commented starter configuration: the AWS sample's PT with an on-demand fallback")
    .argument('[file]', 'where to write it', DEFAULT_FILE)
    .option(
      '--provisioned-arn <arn>',
      'your PT ARN (default: read from BEDROCK_HA_PT_ARN, with a placeholder)',
    )
    .option('--force', 'overwrite the file if it exists', false)
    .action(async (file: string, options: { provisionedArn?: string; force: boolean }, command: Command) => {
      const output = new Output(globalOptions(command));
      if (!options.force && (await exists(file))) {
        throw usageError(`${file} already exists`, 'pass --force to overwrite it, or name another file');
      }
      await writeFile(file, starterConfig(options.provisionedArn), { flag: options.force ? 'w' : 'wx' });
      if (output.json) output.result({ written: file });
      output.line(
        `Wrote ${file}. Next: bedrock-ha config validate ${file} && bedrock-ha doctor --config ${file}`,
      );
    });

  config
    .command('validate')
    .description('check a configuration file; prints every problem with its path and a fix')
    .argument('[file]', `the file (default: --config, BEDROCK_HA_CONFIG or ${DEFAULT_FILE})`)
    .option(
      '--strict',
      'exit 1 when the fallback graph has warnings (duplicates, unreferenced, deadline)',
      false,
    )
    .option(
      '--capabilities',
      "list what each endpoint's model can take (tools, images, context window...)",
      false,
    )
    .action(
      async (
        file: string | undefined,
        options: { strict: boolean; capabilities: boolean },
        command: Command,
      ) => {
        const globals = globalOptions(command);
        const output = new Output(globals);
        const path = file ?? globals.config ?? DEFAULT_FILE;
        // Loaded on use: the engine (zod, the AWS SDK) is not needed for init or --help.
        const { checkChainGraph, ConfigError, describeCapabilities, loadConfig } = await import(
          '@bedrock-ha/core'
        );
        let loaded: BedrockHAConfig;
        try {
          loaded = await loadConfig(path);
        } catch (error) {
          if (!ConfigError.isInstance(error)) throw error;
          if (output.json) output.result({ file: path, valid: false, issues: error.issues });
          else printIssues(path, error);
          context.setExitCode(ExitCode.usage);
          return;
        }
        const chains = Object.entries(loaded.chains);
        const endpoints = chains.reduce((sum, [, chain]) => sum + chain.endpoints.length, 0);
        const graph = checkChainGraph(loaded, path);
        if (options.strict && graph.findings.length > 0) context.setExitCode(ExitCode.failed);
        const capabilities = options.capabilities ? describeCapabilities(loaded) : undefined;
        if (output.json) {
          output.result({
            file: path,
            valid: true,
            chains: chains.map(([name]) => name),
            endpoints,
            warnings: graph.findings,
            cycles: graph.cycles,
            worstCase: graph.chains,
            ...(capabilities && { capabilities }),
          });
          return;
        }
        output.line(
          `${pc.green('ok')} ${path}: ${chains.length} chain${chains.length === 1 ? '' : 's'} (${chains.map(([name]) => name).join(', ')}), ${endpoints} endpoint${endpoints === 1 ? '' : 's'}`,
        );
        output.line(renderWorstCases(graph));
        if (capabilities) output.line(renderCapabilities(capabilities));
        for (const finding of graph.findings)
          output.warn(`${finding.path}: ${finding.message} (${finding.fix})`);
      },
    );

  config
    .command('schema')
    .description("print the configuration's JSON Schema (for editors and CI)")
    .action(async () => {
      const { configJsonSchema } = await import('@bedrock-ha/core');
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}

function printIssues(path: string, error: ConfigError): void {
  const count = error.issues.length === 1 ? '1 problem' : `${error.issues.length} problems`;
  process.stderr.write(`${pc.red('bedrock-ha: error:')} ${path} has ${count}:\n`);
  const rows = error.issues.map((issue) => [
    issue.path === '' ? '(file)' : issue.path,
    issue.message,
    issue.fix ?? '',
  ]);
  process.stderr.write(`${renderTable(['path', 'problem', 'fix'], rows)}\n`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
