import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { type BedrockHAConfig, configSchema } from './config-schema.js';
import { interpolate } from './interpolate.js';
import { hideInterpolatedValues, type Interpolation } from './interpolated-values.js';
import { describeJsonSyntaxError } from './json-syntax-error.js';
import { resolveConfig } from './resolve-config.js';
import { loadYamlSupport, yamlModule } from './yaml-syntax.js';
import { zodIssues } from './zod-issues.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Variables for `${NAME}` references. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Options of {@link parseConfigText}. */
export interface ParseConfigTextOptions extends LoadConfigOptions {
  /** Where the text came from, named in errors. */
  readonly source?: string;
}

/** The syntax a configuration is written in. */
export type ConfigFormat = 'json' | 'yaml';

const FORMATS: Readonly<Record<string, ConfigFormat>> = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml' };

/**
 * Reads a configuration file (`.json`, `.yaml` or `.yml`), fills in `${NAME}` references from the
 * environment and validates it, so that every problem is reported with the file's name before
 * any client starts. See {@link parseConfigText} for the reference syntax.
 * @returns the configuration as written, references filled in, ready for `createBedrockHA`.
 * @throws ConfigError when the file cannot be read or parsed, a variable is missing, or the
 *   configuration is invalid.
 */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<BedrockHAConfig> {
  const { text, format } = readConfigFile(path);
  if (format === 'yaml') await loadYamlSupport();
  return parseConfigText(text, format, { ...options, source: path });
}

/**
 * Reads a configuration file's text as written, and tells its format from the file's extension
 * (`.json`, `.yaml` or `.yml`): for callers that must not wait (a Lambda's init) or that keep the
 * text itself (a deployment package). Synchronous; {@link loadConfig} also parses and validates.
 * @throws ConfigError when the extension is unknown or the file cannot be read.
 */
export function readConfigFile(path: string): { readonly text: string; readonly format: ConfigFormat } {
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new ConfigError(
      [{ path: '', message: `cannot tell the format of ${path}`, fix: 'name the file .json, .yaml or .yml' }],
      path,
    );
  }
  try {
    return { text: readFileSync(path, 'utf8'), format };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new ConfigError([{ path: '', message: `cannot read ${resolve(path)}: ${reason}` }], path);
  }
}

/**
 * Parses a configuration written in JSON or YAML, fills in references and validates it.
 *
 * References, in string values only (never in keys):
 * - `${NAME}` is the variable NAME; when it is not set, loading fails naming it.
 * - `${NAME:-default}` is NAME, or `default` when NAME is unset or empty (as in a shell).
 * - `$${` is a literal `${`.
 *
 * A value that is exactly one reference (`"${TIMEOUT_MS}"`, `"${HTTP2:-true}"`) becomes a number
 * when the variable holds a JSON number, and a boolean when it holds `true` or `false`, so that
 * numeric and boolean settings can come from the environment. Anything else stays a string,
 * including a reference within other text (`"pt-${N}"`) and numbers such as `007`.
 *
 * Errors never show a value that came from a variable (it may be a secret): they name the
 * reference as written instead (`got a string from "${REGION}" (value not shown)`).
 * YAML support loads on first need; in a bundle, `await loadYamlSupport()` first (JSON never loads it).
 * @throws ConfigError on a syntax error (with its line and column), a missing variable, an
 *   invalid configuration, or YAML in a bundle that has not loaded YAML support.
 */
export function parseConfigText(
  text: string,
  format: ConfigFormat,
  options: ParseConfigTextOptions = {},
): BedrockHAConfig {
  const { source } = options;
  const parsed = parseWrittenConfig(text, format, source);
  const issues: ConfigIssue[] = [];
  const interpolations: Interpolation[] = [];
  const config = interpolate(parsed, [], options.env ?? process.env, { issues, interpolations });
  if (issues.length > 0) throw new ConfigError(issues, source);
  if (interpolations.length === 0) {
    // Throws every schema and semantic problem now, naming the file; the engine resolves it again.
    resolveConfig(config, source);
    return config as BedrockHAConfig;
  }
  const schemaCheck = configSchema.safeParse(config);
  if (!schemaCheck.success) {
    const interpolated = new Map(interpolations.map(({ path, written }) => [path, written]));
    const found = zodIssues(schemaCheck.error, { input: config, schema: configSchema, interpolated });
    throw new ConfigError(hideInterpolatedValues(found, interpolations), source);
  }
  try {
    resolveConfig(config, source);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(hideInterpolatedValues(error.issues, interpolations), source);
  }
  return config as BedrockHAConfig;
}

/**
 * A configuration's text parsed as written, references not yet filled in.
 * @throws ConfigError on a syntax error or an empty text.
 */
export function parseWrittenConfig(text: string, format: ConfigFormat, source: string | undefined): unknown {
  const body = text.replace(/^\uFEFF/, '');
  const parsed = format === 'json' ? parseJson(body, source) : parseYaml(body, source);
  if (parsed === null || parsed === undefined) {
    throw new ConfigError(
      [{ path: '', message: 'is empty', fix: 'define at least one chain under "chains"' }],
      source,
    );
  }
  return parsed;
}

function parseJson(text: string, source: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { reason, where } = describeJsonSyntaxError(error, text);
    throw new ConfigError([{ path: '', message: `JSON syntax error${where}: ${reason}` }], source);
  }
}

function parseYaml(text: string, source: string | undefined): unknown {
  const { LineCounter, parseDocument } = yamlModule(source);
  const lineCounter = new LineCounter();
  // prettyErrors off: its messages quote the offending lines, which may hold secrets.
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { path: '', message: `YAML syntax error at line ${line}, column ${col}: ${error.message}` };
    });
    throw new ConfigError(issues, source);
  }
  try {
    return document.toJS();
  } catch (error) {
    // Such as an alias expanded too many times (a "billion laughs" file).
    throw new ConfigError([{ path: '', message: `YAML error: ${(error as Error).message}` }], source);
  }
}
