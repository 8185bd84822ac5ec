import { type BedrockErrorName, STREAM_EXCEPTIONS } from './errors.js';
import {
  type FaultEffect,
  type FaultRule,
  type FaultRuleInput,
  faultRuleSchema,
  type LatencySpec,
} from './fault-schema.js';
import { isRuntime, isStreaming, type Operation } from './operations.js';
import { parseWith, SimulatorConfigError } from './validation.js';

/** A request as fault rules see it. */
export interface FaultTarget {
  region: string;
  operation: Operation;
  /** Every name the request's model goes by: the id as sent, the resolved model id, PT name and ARN. */
  models: readonly string[];
}

/** What happens to one request, decided once when it arrives. */
export interface FaultPlan {
  /** Latency added before the request is processed. */
  delayMs: number;
  /** The request does not get a normal answer. */
  action?:
    | { type: 'error'; error: BedrockErrorName; message?: string | undefined }
    | { type: 'hang' }
    | { type: 'reset' }
    | { type: 'malformed'; variant: 'truncated-json' | 'html' | 'bad-crc' };
  /** A stream starts normally, then breaks. */
  stream?:
    | { type: 'stream-cut'; afterEvents: number; mode: 'reset' | 'end' }
    | {
        type: 'stream-exception';
        afterEvents: number;
        error: BedrockErrorName;
        message?: string | undefined;
      };
  /** A stream pauses before event `afterEvents` (after `messageStart` when 1), then goes on. */
  stall?: { afterEvents: number; ms: number };
  /** Ids of the rules that applied. */
  rules: string[];
}

/** A fault rule with its live counters. */
export interface ActiveFault extends FaultRule {
  id: string;
  /** Requests that matched the rule's `match`. */
  matched: number;
  /** Requests the fault was applied to. */
  applied: number;
  /** When the rule was added (ms, simulator clock). */
  addedAt: number;
}

const NO_FAULT: FaultPlan = Object.freeze({ delayMs: 0, rules: [] as string[] });

/**
 * Holds the fault rules and decides, per request, which apply. Rules can be added and removed
 * while the simulator runs; each keeps its own count of matching requests for schedules.
 */
export class FaultInjector {
  private rules: ActiveFault[] = [];
  private nextId = 1;

  constructor(
    private readonly random: () => number,
    private readonly now: () => number,
  ) {}

  /** Validates and adds a rule; returns its id. Throws a `SimulatorConfigError` naming what is wrong. */
  add(input: FaultRuleInput): string {
    const rule = parseWith(faultRuleSchema, input, 'fault');
    const id = rule.id ?? `fault-${this.nextId++}`;
    if (this.rules.some((existing) => existing.id === id)) {
      throw new SimulatorConfigError(
        `fault id "${id}" is already in use; remove it first or choose another id`,
      );
    }
    this.rules.push({ ...rule, id, matched: 0, applied: 0, addedAt: this.now() });
    return id;
  }

  /** Removes a rule; returns whether it existed. */
  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The rules with their counters, in evaluation order. */
  list(): ActiveFault[] {
    return this.rules.map((rule) => structuredClone(rule));
  }

  /** Decides what happens to a request. Latencies add up; the first other fault of each kind wins. */
  plan(target: FaultTarget): FaultPlan {
    if (this.rules.length === 0) return NO_FAULT;
    let plan: FaultPlan | undefined;
    for (const rule of this.rules) {
      if (!matches(rule, target)) continue;
      rule.matched += 1;
      if (!this.isDue(rule)) continue;
      plan ??= { delayMs: 0, rules: [] };
      if (!this.apply(rule.fault, plan)) continue;
      rule.applied += 1;
      plan.rules.push(rule.id);
    }
    return plan ?? NO_FAULT;
  }

  private isDue(rule: ActiveFault): boolean {
    const { when } = rule;
    if (when.times !== undefined && rule.applied >= when.times) return false;
    const elapsed = this.now() - rule.addedAt;
    if (when.afterMs !== undefined && elapsed < when.afterMs) return false;
    if (when.forMs !== undefined && elapsed >= (when.afterMs ?? 0) + when.forMs) return false;
    if (when.requests !== undefined && !inSchedule(rule.matched, when.requests)) return false;
    if (when.probability !== undefined && this.random() >= when.probability) return false;
    return true;
  }

  private apply(fault: FaultEffect, plan: FaultPlan): boolean {
    switch (fault.type) {
      case 'latency':
        plan.delayMs += this.sampleLatency(fault.ms);
        return true;
      case 'stream-stall':
        if (plan.stall) return false;
        plan.stall = { afterEvents: fault.afterEvents, ms: this.sampleLatency(fault.ms) };
        return true;
      case 'stream-cut':
      case 'stream-exception':
        if (plan.stream) return false;
        plan.stream = { ...fault } as FaultPlan['stream'];
        return true;
      default:
        if (plan.action) return false;
        plan.action = { ...fault } as FaultPlan['action'];
        return true;
    }
  }

  private sampleLatency(spec: LatencySpec): number {
    if (typeof spec === 'number') return spec;
    if ('min' in spec) return spec.min + this.random() * Math.max(0, spec.max - spec.min);
    // Box-Muller; clamp at zero, a delay cannot be negative.
    const u = 1 - this.random();
    const v = this.random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, spec.mean + spec.stddev * normal);
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (!canHappen(rule.fault, target.operation)) return false;
  const { region, model, operation } = rule.match;
  if (region !== undefined && !anyOf(region).some((pattern) => glob(pattern, target.region))) return false;
  // A rule that names no operation is for the runtime: a throttled region still answers
  // control-plane calls, as Bedrock's separate data and control planes do.
  if (operation === undefined ? !isRuntime(target.operation) : !anyOf(operation).includes(target.operation)) {
    return false;
  }
  if (model !== undefined) {
    const patterns = anyOf(model);
    if (!target.models.some((name) => patterns.some((pattern) => glob(pattern, name)))) return false;
  }
  return true;
}

/**
 * Stream faults (cut, stall, exception) only exist on streaming operations, and an in-stream
 * exception only on an operation whose event union models it (ConverseStream has no
 * modelTimeoutException): anywhere else the rule neither matches nor counts, so its schedule and
 * `times` see only requests it can break.
 */
function canHappen(fault: FaultEffect, operation: Operation): boolean {
  if (fault.type !== 'stream-cut' && fault.type !== 'stream-exception' && fault.type !== 'stream-stall') {
    return true;
  }
  if (!isStreaming(operation)) return false;
  if (fault.type !== 'stream-exception') return true;
  const modelled: readonly string[] = STREAM_EXCEPTIONS[operation as keyof typeof STREAM_EXCEPTIONS];
  return modelled.includes(fault.error);
}

function anyOf<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function glob(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(value);
}

function inSchedule(requestNumber: number, schedule: NonNullable<FaultRule['when']['requests']>): boolean {
  if (Array.isArray(schedule)) return schedule.includes(requestNumber);
  const from = schedule.from ?? 1;
  if (requestNumber < from) return false;
  if (schedule.to !== undefined && requestNumber > schedule.to) return false;
  return (requestNumber - from) % (schedule.every ?? 1) === 0;
}
