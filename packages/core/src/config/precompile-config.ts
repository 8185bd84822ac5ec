import {
  type ConfigFormat,
  type ParseConfigTextOptions,
  parseConfigText,
  parseWrittenConfig,
} from './load-config.js';
import { precompiledText } from './precompiled-config.js';

/**
 * Validates a configuration at build or deploy time (exactly as `parseConfigText` does, references
 * filled from `options.env`) and returns the text to deploy instead: JSON holding the configuration
 * as written (`${NAME}` references kept, so no resolved value lands in the artifact; YAML turned into
 * JSON) and the schema version it passed. At run time `readPrecompiledConfig` trusts it and the
 * schema (zod) is never loaded, unless references are filled in there, which are then validated.
 * @throws ConfigError naming every problem and how to fix it, as `parseConfigText` does.
 */
export function precompileConfig(
  text: string,
  format: ConfigFormat,
  options: ParseConfigTextOptions = {},
): string {
  parseConfigText(text, format, options);
  return precompiledText(parseWrittenConfig(text, format, options.source));
}
