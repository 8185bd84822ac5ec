/** What is wrong with a JSON text that does not parse, and where, with none of the text quoted. */
export interface JsonSyntaxError {
  /** V8's reason without the text it quotes, e.g. `Unexpected token '}'`. */
  readonly reason: string;
  /** ` at line L, column C`, or `''` when V8 gave no position that can be worked out. */
  readonly where: string;
}

/**
 * Describes a `JSON.parse` error on `text` (used for config files and HTTP request bodies).
 * V8 quotes up to ten characters either side of a bad token (`Unexpected token ',', ..."…"... is not
 * valid JSON`) and gives no position then. The quote may hold a secret, so it is dropped, and the
 * position is worked out from it.
 */
export function describeJsonSyntaxError(error: unknown, text: string): JsonSyntaxError {
  const message = error instanceof Error ? error.message : String(error);
  const { reason, offset } = locate(message, text);
  return { reason, where: lineAndColumn(text, offset) };
}

function locate(message: string, text: string): { reason: string; offset?: number } {
  const position = /\s+in JSON at position (\d+)/.exec(message);
  if (position) return { reason: message.slice(0, position.index), offset: Number(position[1]) };
  if (message === 'Unexpected end of JSON input') return { reason: message, offset: text.length };
  const quoted = /^(Unexpected token '([\s\S])'), (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(
    message,
  );
  if (!quoted) return { reason: message.replace(/, ".*/s, '') };
  const [, reason = '', token = '', before, context = '', after] = quoted;
  const start = text.indexOf(context);
  if (start < 0) return { reason };
  if (before) return { reason, offset: start + 10 };
  if (after) return { reason, offset: context.length - 10 };
  // The whole (short) text was quoted: only a token that occurs once has a known place.
  const first = context.indexOf(token);
  return first >= 0 && first === context.lastIndexOf(token) ? { reason, offset: first } : { reason };
}

function lineAndColumn(text: string, offset: number | undefined): string {
  if (offset === undefined) return '';
  const before = text.slice(0, offset).split('\n');
  return ` at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}
