import type { ConfigIssue } from './config-error.js';

/** A string value of a configuration that held `${NAME}` references, before and after filling them in. */
export interface Interpolation {
  /** Its dotted path, as issues name it. */
  readonly path: string;
  /** The text as written, e.g. `${REGION}` or `pt-${N}`. */
  readonly written: string;
  /** What the references made of it. */
  readonly value: string | number | boolean;
}

// A value this long is replaced wherever it appears; a shorter one only in issues about its own
// path or the object holding it, so that `1` does not turn "at most 10" into "at most ${N}0".
const LONG_VALUE = 8;

/**
 * Issues with every value that came from the environment replaced by its reference as written:
 * a variable may hold a secret, and configuration errors end up in logs.
 */
export function hideInterpolatedValues(
  issues: readonly ConfigIssue[],
  interpolations: readonly Interpolation[],
): ConfigIssue[] {
  const longestFirst = interpolations
    .filter((interpolation) => String(interpolation.value) !== '')
    .sort((a, b) => String(b.value).length - String(a.value).length);
  return issues.map((issue) => {
    const relevant = longestFirst.filter(
      (interpolation) =>
        String(interpolation.value).length >= LONG_VALUE || related(issue.path, interpolation.path),
    );
    const hide = (text: string) =>
      relevant.reduce((hidden, { value, written }) => replaceValue(hidden, String(value), written), text);
    const { path, message, fix } = issue;
    return fix === undefined
      ? { path, message: hide(message) }
      : { path, message: hide(message), fix: hide(fix) };
  });
}

function related(issuePath: string, valuePath: string): boolean {
  return (
    issuePath === valuePath ||
    issuePath === '' ||
    valuePath.startsWith(`${issuePath}.`) ||
    issuePath.startsWith(`${valuePath}.`)
  );
}

/** Replaces the value as is and as JSON quotes it (escaped quotes and backslashes). */
function replaceValue(text: string, value: string, written: string): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  const once = text.split(value).join(written);
  return escaped === value ? once : once.split(escaped).join(written);
}
