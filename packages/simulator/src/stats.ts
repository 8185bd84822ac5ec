import type { Operation } from './operations.js';

/** One line of the request log. */
export interface RequestRecord {
  requestId: string;
  /** Start time, ms since the epoch. */
  time: number;
  region: string;
  operation: Operation | 'Unknown';
  /** The model id as the client sent it (PT ARN, model id, profile id); empty for control-plane lists. */
  model: string;
  /** `success`, an error name, or a fault outcome: `reset`, `hang`, `malformed`, `stream-cut`, `aborted`. */
  outcome: string;
  status: number;
  durationMs: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Ids of the fault rules that applied. */
  faults?: string[];
}

/** Requests and outcomes of one region and model. */
export interface Counter {
  region: string;
  model: string;
  requests: number;
  outcomes: Record<string, number>;
}

/** Counters per region and model, and a bounded log of recent requests. */
export class Stats {
  private byKey = new Map<string, Counter>();
  private log: RequestRecord[] = [];
  private logStart = 0;

  constructor(private readonly logSize: number) {}

  /** Records a finished request. */
  record(entry: RequestRecord): void {
    const key = `${entry.region}\u0000${entry.model}`;
    let counter = this.byKey.get(key);
    if (!counter) {
      counter = { region: entry.region, model: entry.model, requests: 0, outcomes: {} };
      this.byKey.set(key, counter);
    }
    counter.requests += 1;
    counter.outcomes[entry.outcome] = (counter.outcomes[entry.outcome] ?? 0) + 1;
    if (this.logSize === 0) return;
    // A ring buffer: no array shifting on the hot path.
    if (this.log.length < this.logSize) this.log.push(entry);
    else {
      this.log[this.logStart] = entry;
      this.logStart = (this.logStart + 1) % this.logSize;
    }
  }

  /** Counters, optionally only those of one region and/or model. */
  counters(filter: { region?: string; model?: string } = {}): Counter[] {
    return [...this.byKey.values()]
      .filter((counter) => filter.region === undefined || counter.region === filter.region)
      .filter((counter) => filter.model === undefined || counter.model === filter.model)
      .map((counter) => ({ ...counter, outcomes: { ...counter.outcomes } }));
  }

  /** Recent requests, oldest first. */
  requests(): RequestRecord[] {
    return [...this.log.slice(this.logStart), ...this.log.slice(0, this.logStart)];
  }

  /** Clears counters and the log. */
  reset(): void {
    this.byKey = new Map();
    this.log = [];
    this.logStart = 0;
  }
}
