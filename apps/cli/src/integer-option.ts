import { InvalidArgumentError } from 'commander';

/**
 * A commander parser for a whole-number option within bounds; commander reports the error as a
 * usage mistake naming the option (exit code 2).
 */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`expected a whole number ${range}, got "${raw}".`);
    }
    return value;
  };
}
