import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type SimulatorOptions, simulatorOptionsSchema } from './options.js';
import { parseWith, SimulatorConfigError } from './validation.js';

/**
 * Reads a scenario file (YAML, or JSON when it ends in `.json`) and validates it: the same fields
 * as {@link SimulatorOptions}. Throws a `SimulatorConfigError` naming the file and each bad path.
 */
export async function loadScenario(path: string): Promise<SimulatorOptions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SimulatorConfigError(`cannot read scenario file ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SimulatorConfigError(
      `scenario file ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  // An empty file is a scenario with every default.
  const options = data ?? {};
  // Validate now so errors name the file; startSimulator applies the defaults.
  parseWith(simulatorOptionsSchema, options, `scenario file ${path}`);
  return options as SimulatorOptions;
}
