import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { type BedrockHAConfig, configSchema } from './config-schema.js';
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
  const body = text.replace(/^\uFEFF/, '');
  const parsed = format === 'json' ? parseJson(body, source) : parseYaml(body, source);
  if (parsed === null || parsed === undefined) {
    throw new ConfigError(
      [{ path: '', message: 'is empty', fix: 'define at least one chain under "chains"' }],
      source,
    );
  }
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

/** What interpolation collects: problems, and the values it filled in. */
interface Collected {
  readonly issues: ConfigIssue[];
  readonly interpolations: Interpolation[];
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

const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function interpolate(
  value: unknown,
  path: readonly (string | number)[],
  env: Readonly<Record<string, string | undefined>>,
  collected: Collected,
): unknown {
  if (typeof value === 'string') {
    const at = path.join('.');
    const result = interpolateString(value, at, env, collected.issues);
    // `$${` is a literal, not a reference: only text with a `${` left after removing those counts.
    if (value.replaceAll('$${', '').includes('${'))
      collected.interpolations.push({ path: at, written: value, value: result });
    return result;
  }
  if (Array.isArray(value))
    return value.map((item, index) => interpolate(item, [...path, index], env, collected));
  if (typeof value === 'object' && value !== null) {
    // fromEntries defines own properties, so a "__proto__" key stays a key for the schema to reject.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolate(item, [...path, key], env, collected)]),
    );
  }
  return value;
}

function interpolateString(
  text: string,
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
): string | number | boolean {
  let result = '';
  let index = 0;
  let references = 0;
  let whole = false;
  for (let at = text.indexOf('$', index); at >= 0; at = text.indexOf('$', index)) {
    if (text.startsWith('$${', at)) {
      result += `${text.slice(index, at)}\${`;
      index = at + 3;
      continue;
    }
    if (!text.startsWith('${', at)) {
      result += text.slice(index, at + 1);
      index = at + 1;
      continue;
    }
    const close = text.indexOf('}', at + 2);
    const reference = NAME.exec(close < 0 ? '' : text.slice(at + 2, close));
    if (!reference) {
      issues.push({
        path,
        message: `has a malformed reference "${text.slice(at, close < 0 ? at + 2 : close + 1)}"`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the reference syntax, not a template.
        fix: 'write ${NAME} or ${NAME:-default}, or $${ for a literal ${',
      });
      return text;
    }
    const [, name = '', fallback] = reference;
    const set = env[name];
    const resolved = fallback !== undefined && !set ? fallback : set;
    if (resolved === undefined) {
      issues.push({
        path,
        message: `refers to the environment variable ${name}, which is not set`,
        fix: `export ${name}=... or write \${${name}:-default}`,
      });
    }
    result += text.slice(index, at) + (resolved ?? '');
    references += 1;
    whole = at === 0 && close === text.length - 1;
    index = close + 1;
  }
  result += text.slice(index);
  if (references === 1 && whole) {
    if (JSON_NUMBER.test(result)) return Number(result);
    if (result === 'true' || result === 'false') return result === 'true';
  }
  return result;
}
