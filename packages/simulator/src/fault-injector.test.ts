import { describe, expect, it } from 'vitest';
import { FaultInjector, type FaultTarget } from './fault-injector.js';
import { mulberry32 } from './responder.js';
import { SimulatorConfigError } from './validation.js';

const converse: FaultTarget = {
  region: 'us-east-1',
  operation: 'Converse',
  models: ['anthropic.haiku', 'my-pt'],
};

function injector(options: { random?: () => number } = {}) {
  let now = 0;
  const faults = new FaultInjector(options.random ?? mulberry32(1), () => now);
  return { faults, advance: (ms: number) => (now += ms) };
}

const throttle = { type: 'error', error: 'ThrottlingException' } as const;

describe('FaultInjector', () => {
  it('faults nothing without rules, and returns a frozen empty plan', () => {
    const { faults } = injector();
    const plan = faults.plan(converse);
    expect(plan).toEqual({ delayMs: 0, rules: [] });
    expect(Object.isFrozen(plan)).toBe(true);
  });

  it('applies the first action and adds up every latency', () => {
    const { faults } = injector();
    faults.add({ id: 'slow', fault: { type: 'latency', ms: 30 } });
    faults.add({ id: 'throttle', fault: throttle });
    faults.add({ id: 'unavailable', fault: { type: 'error', error: 'ServiceUnavailableException' } });
    faults.add({ id: 'slower', fault: { type: 'latency', ms: { min: 10, max: 10 } } });
    expect(faults.plan(converse)).toEqual({
      delayMs: 40,
      action: { type: 'error', error: 'ThrottlingException', message: undefined },
      rules: ['slow', 'throttle', 'slower'],
    });
  });

  it('matches region and model globs, and any alias of the model', () => {
    const { faults } = injector();
    faults.add({ id: 'pt', match: { region: 'us-*', model: 'my-pt' }, fault: throttle });
    faults.add({ id: 'west', match: { region: ['us-west-2'] }, fault: { type: 'hang' } });
    expect(faults.plan(converse).rules).toEqual(['pt']);
    expect(faults.plan({ ...converse, region: 'us-west-2', models: ['other'] }).rules).toEqual(['west']);
    expect(faults.plan({ ...converse, region: 'eu-west-1' }).rules).toEqual([]);
  });

  it('leaves control-plane operations alone unless a rule names them', () => {
    const { faults } = injector();
    faults.add({ id: 'all-runtime', fault: throttle });
    faults.add({ id: 'create', match: { operation: 'CreateProvisionedModelThroughput' }, fault: throttle });
    expect(faults.plan({ ...converse, operation: 'GetProvisionedModelThroughput' }).rules).toEqual([]);
    expect(faults.plan({ ...converse, operation: 'CreateProvisionedModelThroughput' }).rules).toEqual([
      'create',
    ]);
  });

  it('counts requests per rule for schedules: a list, and a range with a step', () => {
    const { faults } = injector();
    faults.add({ id: 'list', when: { requests: [2, 3] }, fault: throttle });
    faults.add({
      id: 'range',
      when: { requests: { from: 2, to: 8, every: 3 } },
      fault: { type: 'latency', ms: 1 },
    });
    const applied = Array.from({ length: 9 }, () => faults.plan(converse).rules.join('+') || '-');
    expect(applied).toEqual(['-', 'list+range', 'list', '-', 'range', '-', '-', 'range', '-']);
    expect(faults.list().map(({ id, matched, applied }) => ({ id, matched, applied }))).toEqual([
      { id: 'list', matched: 9, applied: 2 },
      { id: 'range', matched: 9, applied: 3 },
    ]);
  });

  it('honours a time window and a maximum number of applications', () => {
    const { faults, advance } = injector();
    faults.add({ id: 'window', when: { afterMs: 100, forMs: 50 }, fault: throttle });
    faults.add({ id: 'twice', when: { times: 2 }, fault: { type: 'latency', ms: 5 } });
    const at = (ms: number) => {
      advance(ms);
      return faults.plan(converse).rules;
    };
    expect(at(0)).toEqual(['twice']);
    expect(at(99)).toEqual(['twice']);
    expect(at(1)).toEqual(['window']);
    expect(at(49)).toEqual(['window']);
    expect(at(1)).toEqual([]);
  });

  it('draws probabilities from the seeded source, so a seed replays the same pattern', () => {
    const pattern = (seed: number) => {
      const { faults } = injector({ random: mulberry32(seed) });
      faults.add({ when: { probability: 0.3 }, fault: throttle });
      return Array.from({ length: 1_000 }, () => (faults.plan(converse).action ? 1 : 0));
    };
    const first = pattern(9);
    expect(pattern(9)).toEqual(first);
    expect(pattern(10)).not.toEqual(first);
    const rate = first.reduce<number>((sum, hit) => sum + hit, 0) / first.length;
    expect(rate).toBeGreaterThan(0.25);
    expect(rate).toBeLessThan(0.35);
  });

  it('samples latency within a range, and never below zero from a normal distribution', () => {
    const { faults } = injector();
    faults.add({ id: 'uniform', fault: { type: 'latency', ms: { min: 20, max: 30 } } });
    const uniform = Array.from({ length: 2_000 }, () => faults.plan(converse).delayMs);
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...uniform)).toBeLessThanOrEqual(30);
    faults.clear();
    faults.add({ fault: { type: 'latency', ms: { mean: 5, stddev: 10 } } });
    const normal = Array.from({ length: 2_000 }, () => faults.plan(converse).delayMs);
    expect(Math.min(...normal)).toBe(0);
    expect(normal.reduce((sum, ms) => sum + ms, 0) / normal.length).toBeGreaterThan(5);
  });

  it('keeps stream faults off operations that do not stream', () => {
    const { faults } = injector();
    faults.add({ id: 'cut', fault: { type: 'stream-cut', afterEvents: 2 } });
    expect(faults.plan(converse).rules).toEqual([]);
    expect(faults.plan({ ...converse, operation: 'ConverseStream' })).toMatchObject({
      stream: { type: 'stream-cut', afterEvents: 2, mode: 'reset' },
      rules: ['cut'],
    });
    expect(faults.list()[0]).toMatchObject({ matched: 1, applied: 1 });
  });

  it('rejects invalid rules and duplicate ids with a SimulatorConfigError, and removes rules by id', () => {
    const { faults } = injector();
    expect(() => faults.add({ fault: { type: 'error', error: 'Nope' as never } })).toThrow(
      SimulatorConfigError,
    );
    let thrown: unknown;
    try {
      faults.add({ fault: { type: 'error', error: 'Nope' as never } });
    } catch (error) {
      thrown = error;
    }
    expect(SimulatorConfigError.isInstance(thrown)).toBe(true);
    expect(SimulatorConfigError.isInstance(new Error('other'))).toBe(false);
    expect(() => faults.add({ fault: { type: 'explode' } as never })).toThrow(/fault\.type/);
    faults.add({ id: 'a', fault: throttle });
    expect(() => faults.add({ id: 'a', fault: throttle })).toThrow(/fault id "a" is already in use/);
    expect(faults.remove('a')).toBe(true);
    expect(faults.remove('a')).toBe(false);
    expect(faults.plan(converse).rules).toEqual([]);
  });
});
