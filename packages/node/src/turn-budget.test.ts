import { describe, expect, it } from 'vitest';
import { TurnBudget, type TurnTask } from './turn-budget.js';

/** Resolves after the budget's next turn: its `setImmediate` was queued before this one. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `count` tasks through `budget` at once; `started` lists their numbers in start order. */
function runTasks(budget: TurnBudget, count: number, gone: ReadonlySet<number> = new Set()) {
  const started: number[] = [];
  for (let index = 0; index < count; index++) {
    const task: TurnTask = { start: () => started.push(index), gone: () => gone.has(index) };
    budget.run(task);
  }
  return started;
}

describe('TurnBudget (requests started per event-loop turn)', () => {
  it('with a cap of 1, starts one request per turn, in arrival order, until all are started', async () => {
    const budget = new TurnBudget(1);
    const started = runTasks(budget, 4);
    expect(started).toEqual([0]);
    expect(budget.waiting).toBe(3);
    for (const expected of [
      [0, 1],
      [0, 1, 2],
      [0, 1, 2, 3],
    ]) {
      await nextTurn();
      expect(started).toEqual(expected);
    }
    expect(budget.waiting).toBe(0);
  });

  it('queues a late arrival behind the waiting ones, never ahead of them', async () => {
    const budget = new TurnBudget(2);
    const started = runTasks(budget, 3);
    await Promise.resolve();
    budget.run({ start: () => started.push(99), gone: () => false });
    expect(started).toEqual([0, 1]);
    await nextTurn();
    expect(started).toEqual([0, 1, 2, 99]);
  });

  it('starts at once again once a turn has passed with nothing waiting', async () => {
    const budget = new TurnBudget(1);
    const started = runTasks(budget, 2);
    await nextTurn();
    await nextTurn();
    budget.run({ start: () => started.push(7), gone: () => false });
    expect(started).toEqual([0, 1, 7]);
  });

  it('drops a waiting request whose client went away without starting it or spending the turn on it', async () => {
    const budget = new TurnBudget(1);
    const started = runTasks(budget, 4, new Set([1, 2]));
    await nextTurn();
    expect(started).toEqual([0, 3]);
    expect(budget.waiting).toBe(0);
  });

  it('with 0, starts every request at once (no cap)', () => {
    expect(runTasks(new TurnBudget(0), 50)).toHaveLength(50);
  });

  it('refuses a cap that is not a whole number from 0', () => {
    expect(() => new TurnBudget(-1)).toThrow(/maxRequestsPerTurn must be a whole number from 0/);
    expect(() => new TurnBudget(1.5)).toThrow(RangeError);
  });

  it('reports how long the head of the queue has waited, and 0 once nothing waits', async () => {
    let now = 1_000;
    const budget = new TurnBudget(1, 0, () => now);
    expect(budget.oldestWaitMs()).toBe(0);
    runTasks(budget, 3);
    now += 40;
    expect(budget.oldestWaitMs()).toBe(40);
    await nextTurn();
    await nextTurn();
    expect(budget.waiting).toBe(0);
    expect(budget.oldestWaitMs()).toBe(0);
  });

  it('with maxWaitMs, refuses arrivals while the queue is behind, and queued requests that waited past it', async () => {
    let now = 0;
    const budget = new TurnBudget(1, 50, () => now);
    const events: string[] = [];
    const task = (name: string, refusable = true): TurnTask => ({
      start: () => events.push(`start ${name}`),
      gone: () => false,
      ...(refusable && { refuse: (behindMs: number) => events.push(`refuse ${name} ${behindMs}`) }),
    });
    budget.run(task('a'));
    budget.run(task('b'));
    now = 30;
    budget.run(task('c'));
    now = 60;
    // The head (b) has waited 60 ms: a new model call is refused at once; a health check still queues.
    budget.run(task('d'));
    budget.run(task('health', false));
    expect(events).toEqual(['start a', 'refuse d 60']);
    await nextTurn();
    // b waited past the bound by its turn: refused, not counted, so c (30 ms) starts in the same turn.
    expect(events).toEqual(['start a', 'refuse d 60', 'refuse b 60', 'start c']);
    now = 200;
    await nextTurn();
    // Never refused without `refuse`, however late.
    expect(events.at(-1)).toBe('start health');
  });

  it('with maxWaitMs 0, never refuses', async () => {
    let now = 0;
    const budget = new TurnBudget(1, 0, () => now);
    const refused: number[] = [];
    const started = runTasks(budget, 3);
    now = 10_000;
    budget.run({ start: () => started.push(3), gone: () => false, refuse: (ms) => refused.push(ms) });
    for (let turn = 0; turn < 3; turn++) await nextTurn();
    expect(started).toEqual([0, 1, 2, 3]);
    expect(refused).toEqual([]);
  });
});
