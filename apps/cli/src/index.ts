export type { CommandContext } from './command-context.js';
export { CliError, ExitCode } from './exit-code.js';
export { createProgram } from './program.js';
export { run } from './run.js';
