import { describe, expect, it } from 'vitest';
import { RequestFailure } from './failure.js';
import { checkJsonDepth, checkJsonTextDepth } from './json-depth.js';

const nestedText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function refusal(check: () => void): RequestFailure['failure'] | undefined {
  try {
    check();
  } catch (error) {
    if (error instanceof RequestFailure) return error.failure;
    throw error;
  }
  return undefined;
}

describe('checkJsonDepth', () => {
  it('counts each object or array as one level, scalars as none', () => {
    expect(refusal(() => checkJsonDepth({ a: [1, { b: 'x' }] }, 'field', 3))).toBeUndefined();
    expect(refusal(() => checkJsonDepth({ a: [1, { b: {} }] }, 'field', 3))).toMatchObject({
      status: 400,
      code: 'json_too_deep',
      param: 'field',
    });
    expect(refusal(() => checkJsonDepth('text', 'field', 0))).toBeUndefined();
    expect(refusal(() => checkJsonDepth(undefined, 'field', 0))).toBeUndefined();
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    const deep = JSON.parse(nestedText(100_000));
    expect(refusal(() => checkJsonDepth(deep, 'tools[0].function.parameters'))?.message).toMatch(
      /^`tools\[0\]\.function\.parameters` nests objects and arrays more than 100 levels deep/,
    );
  });
});

describe('checkJsonTextDepth', () => {
  it('agrees with checkJsonDepth on the parsed text', () => {
    for (const text of ['{}', '{"a":[{"b":[]}]}', '[[1],[[2]]]', '"x"', '12']) {
      for (const limit of [0, 1, 2, 3, 4]) {
        const parsed = refusal(() => checkJsonDepth(JSON.parse(text), 'f', limit)) === undefined;
        expect(refusal(() => checkJsonTextDepth(text, 'f', limit)) === undefined, `${text} at ${limit}`).toBe(
          parsed,
        );
      }
    }
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(refusal(() => checkJsonTextDepth('{"a":"[[[[\\"{{{{"}', 'f', 1))).toBeUndefined();
  });
});
