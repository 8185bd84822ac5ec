import type { ConfigIssue } from './config-error.js';
import type { Interpolation } from './interpolated-values.js';

/** What interpolation collects: problems, and the values it filled in. */
export interface Collected {
  readonly issues: ConfigIssue[];
  readonly interpolations: Interpolation[];
}

const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A parsed configuration with its `${NAME}` references filled in from `env`: problems (a variable
 * not set, a malformed reference) go to `collected.issues`, every value filled to
 * `collected.interpolations`. Kept apart from validation, so a precompiled configuration is
 * interpolated without loading the schema.
 */
export function interpolate(
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
