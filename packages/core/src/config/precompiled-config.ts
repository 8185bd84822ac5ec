import { ConfigError, type ConfigIssue } from './config-error.js';
import type { BedrockHAConfig } from './config-schema.js';
import { CONFIG_SCHEMA_HASH } from './config-schema-hash.js';
import { interpolate } from './interpolate.js';
import type { Interpolation } from './interpolated-values.js';
import { describeJsonSyntaxError } from './json-syntax-error.js';

/** The `format` a precompiled configuration file declares. */
export const PRECOMPILED_FORMAT = 'bedrock-ha/precompiled-config';

/**
 * A precompiled configuration file's JSON: the configuration as written (`${NAME}` references kept,
 * YAML turned into JSON), and the schema it was validated against.
 */
export interface PrecompiledConfigFile {
  readonly precompiled: { readonly format: typeof PRECOMPILED_FORMAT; readonly schema: string };
  readonly config: unknown;
}

/** What {@link readPrecompiledConfig} found. */
export type PrecompiledConfig =
  /** Validated when precompiled, against this schema, and nothing was filled in since: trust it. */
  | { readonly validated: true; readonly config: BedrockHAConfig }
  /**
   * Precompiled, but references were filled in at this point (their values are new) or it was
   * validated against another version of the schema: validate `text` (JSON) with `parseConfigText`.
   */
  | { readonly validated: false; readonly text: string };

/**
 * Reads a file written by `precompileConfig`, without loading the configuration schema (zod):
 * a bundled Lambda's init then compiles neither. A configuration validated at build time and with
 * no `${NAME}` reference comes back `validated`, for `createValidatedBedrockHA`; one with
 * references, whose values only exist now, comes back as text to validate as usual, so its
 * problems are reported exactly as before.
 * @returns undefined when `text` is not a precompiled configuration (validate it as usual).
 * @throws ConfigError when the text is not JSON.
 */
export function readPrecompiledConfig(
  text: string,
  options: { readonly env?: Readonly<Record<string, string | undefined>>; readonly source?: string } = {},
): PrecompiledConfig | undefined {
  const file = parseJson(text, options.source);
  if (!isPrecompiledFile(file)) return undefined;
  const issues: ConfigIssue[] = [];
  const interpolations: Interpolation[] = [];
  const config = interpolate(file.config, [], options.env ?? process.env, { issues, interpolations });
  if (file.precompiled.schema === CONFIG_SCHEMA_HASH && issues.length === 0 && interpolations.length === 0)
    return { validated: true, config: config as BedrockHAConfig };
  return { validated: false, text: JSON.stringify(file.config) };
}

/** A precompiled configuration file's text for `config` (parsed, as written). */
export function precompiledText(config: unknown): string {
  const file: PrecompiledConfigFile = {
    precompiled: { format: PRECOMPILED_FORMAT, schema: CONFIG_SCHEMA_HASH },
    config,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function isPrecompiledFile(value: unknown): value is PrecompiledConfigFile {
  if (typeof value !== 'object' || value === null || !('precompiled' in value)) return false;
  const { precompiled } = value as { precompiled: unknown };
  return (
    typeof precompiled === 'object' &&
    precompiled !== null &&
    (precompiled as { format?: unknown }).format === PRECOMPILED_FORMAT &&
    typeof (precompiled as { schema?: unknown }).schema === 'string'
  );
}

function parseJson(text: string, source: string | undefined): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const { reason, where } = describeJsonSyntaxError(error, text);
    throw new ConfigError([{ path: '', message: `JSON syntax error${where}: ${reason}` }], source);
  }
}
