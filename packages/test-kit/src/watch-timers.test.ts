import { describe, expect, it } from 'vitest';
import { watchTimers } from './watch-timers.js';

describe('watchTimers', () => {
  it('reports a timer still pending with the stack that created it, and forgets a cleared one', async () => {
    const timers = watchTimers();
    const cleared = setTimeout(() => {}, 60_000);
    const forgotten = setTimeout(() => {}, 60_000);
    clearTimeout(cleared);
    const left = await timers.left();
    clearTimeout(forgotten);
    expect(left).toHaveLength(1);
    expect(left[0]).toContain('watch-timers.test.ts');
  });

  it('leaves out unreferenced timers, which never keep the process alive', async () => {
    const timers = watchTimers();
    const background = setTimeout(() => {}, 60_000).unref();
    const left = await timers.left();
    clearTimeout(background);
    expect(left).toEqual([]);
  });
});
