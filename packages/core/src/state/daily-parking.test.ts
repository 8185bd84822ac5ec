import { describe, expect, it } from 'vitest';
import { DailyParking, nextDailyReset } from './daily-parking.js';
import { MemoryStateStore } from './memory-state-store.js';

const DAY = { resetsAt: '00:00', windowMs: 86_400_000 };
const NOON = Date.parse('2026-12-06T12:00:00Z');
const MIDNIGHT = Date.parse('2026-12-07T00:00:00Z');

describe('nextDailyReset', () => {
  it('is the next UTC midnight by default', () => {
    expect(nextDailyReset(NOON, DAY)).toBe(MIDNIGHT);
    expect(nextDailyReset(MIDNIGHT, DAY)).toBe(MIDNIGHT + DAY.windowMs);
  });

  it('is the next configured UTC time, today or tomorrow', () => {
    expect(nextDailyReset(NOON, { ...DAY, resetsAt: '13:30' })).toBe(Date.parse('2026-12-06T13:30:00Z'));
    expect(nextDailyReset(NOON, { ...DAY, resetsAt: '07:00' })).toBe(Date.parse('2026-12-07T07:00:00Z'));
  });

  it('follows short windows aligned to the epoch, as the simulator’s days are', () => {
    expect(nextDailyReset(7_500, { resetsAt: '00:00', windowMs: 3_000 })).toBe(9_000);
  });
});

describe('DailyParking', () => {
  function parking(start: number, window = DAY) {
    const clock = { now: start };
    const now = () => clock.now;
    const store = new MemoryStateStore({ now });
    const make = () => new DailyParking(store, 'haiku-east', window, now);
    return { clock, store, first: make(), second: make() };
  }

  it('parks until the reset for every instance sharing the store, then lets exactly one probe through', () => {
    const { clock, first, second } = parking(NOON);
    expect(first.admit()).toBe('open');
    expect(first.park()).toBe(MIDNIGHT);
    expect(second.admit()).toBe('parked');
    expect(second.parkedUntil()).toBe(MIDNIGHT);
    clock.now = MIDNIGHT + 1;
    expect(second.admit()).toBe('probe');
    expect(first.admit()).toBe('parked');
    second.settle('probe', true);
    expect(first.admit()).toBe('open');
    expect(first.parkedUntil()).toBeUndefined();
  });

  it('frees the probe when it fails for another reason, so the next caller probes', () => {
    const { clock, first, second } = parking(NOON);
    first.park();
    clock.now = MIDNIGHT + 1;
    expect(first.admit()).toBe('probe');
    first.settle('probe', false);
    expect(second.admit()).toBe('probe');
  });

  it('parks a probe refused just after the reset for the clock-skew grace only, not another day', () => {
    const { clock, first } = parking(NOON);
    first.park();
    clock.now = MIDNIGHT + 1_000;
    expect(first.admit()).toBe('probe');
    expect(first.park()).toBe(MIDNIGHT + 60_000);
    clock.now = MIDNIGHT + 60_000;
    expect(first.admit()).toBe('probe');
    expect(first.park()).toBe(MIDNIGHT + DAY.windowMs);
  });

  it('parks for the day when attempts after a served probe spend the new quota just after the reset', () => {
    const { clock, first } = parking(NOON);
    first.park();
    clock.now = MIDNIGHT + 1_000;
    expect(first.admit()).toBe('probe');
    first.settle('probe', true);
    expect(first.admit()).toBe('open');
    expect(first.park(false)).toBe(MIDNIGHT + DAY.windowMs);
  });
});
