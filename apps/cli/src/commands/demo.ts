import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import type { DemoOptions } from '../demo/demo-run.js';
import { globalOptions } from '../global-options.js';
import { integerOption } from '../integer-option.js';
import { Output } from '../output.js';

/** `bedrock-ha demo`: the AWS sample's walkthrough through the engine, against an embedded simulator. */
export function registerDemo(program: Command, context: CommandContext): void {
  program
    .command('demo')
    .description(
      "run the AWS sample's walkthrough through bedrock-ha against an embedded simulator: the PT runs out of capacity, requests fail over to us-west-2, then return to the PT (no AWS account needed)",
    )
    .option('--requests <n>', 'how many requests to send', integerOption(1, 100_000), 20)
    .option('--concurrency <n>', 'requests in flight at once', integerOption(1, 256), 1)
    .option(
      '--interval <ms>',
      "least time between the starts of one worker's requests",
      integerOption(0),
      100,
    )
    .option('--scenario <file>', 'simulator scenario (default: the seed walkthrough)')
    .option('--stream', 'stream the answers (ConverseStream): shows streams that break and resume')
    .option(
      '--reactive',
      "don't declare the PT's capacity: learn it is full by being throttled (the behaviour without token-aware admission)",
    )
    .option(
      '--report <file>',
      'also write a self-contained HTML page of the run: which endpoint served each request over time, breaker states, throttles and spills',
    )
    .addHelpText(
      'after',
      "\nGlobal options it honours:\n  --json       every request, every event, the summary and the simulator's counters, as JSON on stdout\n  --verbose    also the requests that skip an endpoint whose breaker is open\n  --no-color   plain output (NO_COLOR=1 does the same)",
    )
    .action(async (options: DemoOptions, command: Command) => {
      const output = new Output(globalOptions(command));
      // Loaded on use: the engine and the simulator are not needed for --help or a usage mistake.
      const { runDemo } = await import('../demo/demo-run.js');
      const code = await runDemo(options, output, context.signal);
      context.setExitCode(code);
    });
}
