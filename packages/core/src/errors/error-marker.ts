/**
 * Symbol markers behind every error class's static `isInstance`: `instanceof` fails when two copies
 * of this package are installed (a bundle and a dependency, say), a registered symbol does not.
 */
export function errorMarker(name: string): symbol {
  return Symbol.for(`bedrock-ha.${name}`);
}

/** True when `value` is an object that carries `marker`. */
export function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && marker in value;
}

/** `Error: message`, or the value itself as text when it is not an Error. */
export function describeCause(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
