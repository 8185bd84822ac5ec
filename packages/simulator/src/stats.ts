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
  /** Output tokens delivered (a cut stream counts what it sent). */
  outputTokens?: number;
  /** Tokens reserved at admission (input + `maxTokens`); absent when the request was not admitted. */
  reservedTokens?: number;
  /** The service tier that served the request, when it named one. */
  serviceTier?: string;
  /** Ids of the fault rules that applied. */
  faults?: string[];
}

/** Requests and outcomes of one region and model. */
export interface Counter {
  region: string;
  model: string;
  requests: number;
  outcomes: Record<string, number>;
  /** Tokens of admitted requests: reserved at admission, and input and output as settled. */
  tokens: { reserved: number; input: number; output: number };
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
      counter = {
        region: entry.region,
        model: entry.model,
        requests: 0,
        outcomes: {},
        tokens: { reserved: 0, input: 0, output: 0 },
      };
      this.byKey.set(key, counter);
    }
    counter.requests += 1;
    counter.outcomes[entry.outcome] = (counter.outcomes[entry.outcome] ?? 0) + 1;
    if (entry.reservedTokens !== undefined) {
      counter.tokens.reserved += entry.reservedTokens;
      counter.tokens.input += entry.inputTokens ?? 0;
      counter.tokens.output += entry.outputTokens ?? 0;
    }
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
      .map((counter) => ({ ...counter, outcomes: { ...counter.outcomes }, tokens: { ...counter.tokens } }));
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
