import { ConstantBackoff } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from './memory-state-store.js';
import { ADMITTED, SharedBreaker } from './shared-breaker.js';

/** Two engines' views of one endpoint's breaker over one store, on a clock the test moves. */
function twoEngines() {
  const clock = { now: 1_000 };
  const now = () => clock.now;
  const store = new MemoryStateStore({ now });
  const first = new SharedBreaker(store, 'pt:breaker', now);
  const second = new SharedBreaker(store, 'pt:breaker', now);
  // What cockatiel does when it opens: take the next cool-down from its backoff, then report.
  const openFirst = (coolDownMs: number) => {
    first.recordCoolDowns(new ConstantBackoff(coolDownMs)).next(undefined);
    first.opened();
  };
  return { clock, store, first, second, openFirst };
}

describe('SharedBreaker', () => {
  it('admits every attempt while no breaker is open, and none that the local breaker turns away', () => {
    const { first } = twoEngines();
    expect(first.admit(false)).toBe(ADMITTED);
    expect(first.admit(true)).toBeUndefined();
  });

  it('knows until when the record it last read or wrote is open, for health()', () => {
    const { first, second, openFirst } = twoEngines();
    openFirst(500);
    expect(first.openUntil()).toBe(1_500);
    expect(second.openUntil()).toBe(0); // not read yet
    second.admit(false);
    expect(second.openUntil()).toBe(1_500);
    expect(second.shown('closed')).toBe('open');
    expect(second.shown('half-open')).toBe('half-open');
    first.closed();
    second.admit(false);
    expect(second.openUntil()).toBe(0);
    expect(second.shown('closed')).toBe('closed');
  });

  it('turns another engine away while the cool-down runs, then lets one caller probe', () => {
    const { clock, store, second, openFirst } = twoEngines();
    openFirst(500);
    expect(store.readBreaker('pt:breaker')).toEqual({ state: 'open', openUntil: 1_500, coolDownMs: 500 });
    expect(second.admit(false)).toBeUndefined();
    clock.now = 1_500;
    const probe = second.admit(false);
    expect(probe).toMatchObject({ probe: true, coolDownMs: 500 });
    expect(second.admit(false)).toBeUndefined();
    second.settle(probe as never, 'success');
    expect(store.readBreaker('pt:breaker')).toMatchObject({ state: 'closed' });
    expect(second.admit(false)).toBe(ADMITTED);
  });

  it('reopens the record with its cool-down when a probe fails, and frees the probe when it says nothing', () => {
    const { clock, store, second, openFirst } = twoEngines();
    openFirst(500);
    clock.now = 2_000;
    second.settle(second.admit(false) as never, 'failure');
    expect(store.readBreaker('pt:breaker')).toEqual({ state: 'open', openUntil: 2_500, coolDownMs: 500 });
    clock.now = 2_500;
    second.settle(second.admit(false) as never, 'neutral');
    expect(store.readBreaker('pt:breaker')).toMatchObject({ state: 'open', openUntil: 2_500 });
    expect(second.admit(false)).toMatchObject({ probe: true });
  });

  it('keeps the local breaker’s newer transition over its probe’s outcome, and never frees a probe it does not hold', () => {
    const { clock, store, first, second, openFirst } = twoEngines();
    openFirst(500);
    clock.now = 1_500;
    const probe = first.admit(false);
    // The other engine's breaker opens meanwhile: the probe stays with its holder.
    second.recordCoolDowns(new ConstantBackoff(100)).next(undefined);
    second.opened();
    expect(store.acquireProbe('pt:breaker', 1_000)).toBe(false);
    // The local breaker reopens with a longer cool-down before the probe's failure is reported.
    openFirst(1_000);
    first.settle(probe as never, 'failure');
    expect(store.readBreaker('pt:breaker')).toMatchObject({ openUntil: 2_500, coolDownMs: 1_000 });
    expect(store.acquireProbe('pt:breaker', 1_000)).toBe(true);
  });

  describe('with fleet counting', () => {
    const fleet = { failures: 3, coolDownMs: 500, maxCoolDownMs: 1_500 };
    function fleetOfTwo() {
      const clock = { now: 1_000 };
      const now = () => clock.now;
      const store = new MemoryStateStore({ now });
      const engines = [0, 1].map(() => new SharedBreaker(store, 'pt:breaker', now, fleet));
      return { clock, store, a: engines[0]!, b: engines[1]! };
    }

    it('opens for every engine once their failures together reach the threshold', () => {
      const { store, a, b } = fleetOfTwo();
      a.settle(ADMITTED, 'failure');
      b.settle(ADMITTED, 'failure');
      expect(store.readBreaker('pt:breaker')).toBeUndefined();
      a.settle(ADMITTED, 'failure');
      expect(store.readBreaker('pt:breaker')).toEqual({ state: 'open', openUntil: 1_500, coolDownMs: 500 });
      expect(a.admit(false)).toBeUndefined();
      expect(b.admit(false)).toBeUndefined();
    });

    it('resets the count on a success only from an engine that added to it', () => {
      const { store, a, b } = fleetOfTwo();
      a.settle(ADMITTED, 'failure');
      b.settle(ADMITTED, 'failure');
      b.settle(ADMITTED, 'success');
      a.settle(ADMITTED, 'failure');
      expect(store.readBreaker('pt:breaker')).toBeUndefined();
      // Neither a neutral outcome nor a success of an engine that added nothing resets it.
      a.settle(ADMITTED, 'neutral');
      b.settle(ADMITTED, 'success');
      a.settle(ADMITTED, 'failure');
      expect(store.readBreaker('pt:breaker')).toBeUndefined();
      b.settle(ADMITTED, 'failure');
      expect(store.readBreaker('pt:breaker')).toMatchObject({ state: 'open' });
    });

    it('doubles the cool-down after each failed probe up to the longest, and counts afresh once closed', () => {
      const { clock, store, a, b } = fleetOfTwo();
      for (const engine of [a, b, a]) engine.settle(ADMITTED, 'failure');
      for (const coolDownMs of [1_000, 1_500, 1_500]) {
        clock.now = store.readBreaker('pt:breaker')?.openUntil ?? 0;
        b.settle(b.admit(false) as never, 'failure');
        expect(store.readBreaker('pt:breaker')).toMatchObject({
          coolDownMs,
          openUntil: clock.now + coolDownMs,
        });
      }
      clock.now += 1_500;
      a.settle(a.admit(false) as never, 'success');
      expect(store.readBreaker('pt:breaker')).toMatchObject({ state: 'closed' });
      for (const engine of [b, b]) engine.settle(ADMITTED, 'failure');
      expect(store.readBreaker('pt:breaker')).toMatchObject({ state: 'closed' });
    });

    it('opens the local breaker with the fleet’s grown cool-down when its probes failed meanwhile', () => {
      const { clock, store, a, b } = fleetOfTwo();
      for (const engine of [a, b, a]) engine.settle(ADMITTED, 'failure');
      clock.now = 1_500;
      const probe = b.admit(false);
      // B's own breaker opens on this probe's failure, choosing its first cool-down (500).
      b.recordCoolDowns(new ConstantBackoff(500)).next(undefined);
      b.opened();
      b.settle(probe as never, 'failure');
      expect(store.readBreaker('pt:breaker')).toEqual({ state: 'open', openUntil: 2_500, coolDownMs: 1_000 });
    });
  });
});
