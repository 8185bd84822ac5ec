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
});
