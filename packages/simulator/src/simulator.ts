import { CapacityRegistry, type CapacitySnapshot, DEFAULT_BURST_SECONDS } from './capacity.js';
import { FOUNDATION_MODELS } from './catalog.js';
import type { SimulatorContext } from './context.js';
import { type ActiveFault, FaultInjector } from './fault-injector.js';
import type { FaultRuleInput } from './fault-schema.js';
import { listen } from './listener.js';
import { type ResolvedOptions, type SimulatorOptions, simulatorOptionsSchema } from './options.js';
import { PromptCache } from './prompt-cache/prompt-cache.js';
import { type ProvisionedThroughput, ProvisionedThroughputs, provisionedQuota } from './provisioned.js';
import { type RegionalPort, RegionalPorts } from './regional-ports.js';
import { mulberry32, Responder } from './responder.js';
import { createRouter } from './router.js';
import { type Counter, type RequestRecord, Stats } from './stats.js';
import { parseWith, SimulatorConfigError } from './validation.js';

/** Fault rules of a running simulator; changes apply to the next request. */
export interface FaultControl {
  /** Validates and adds a rule; returns its id. */
  add(rule: FaultRuleInput): string;
  /** Removes a rule by id; returns whether it existed. */
  remove(id: string): boolean;
  /** Removes every rule. */
  clear(): void;
  /** The rules, with how many requests each matched and was applied to. */
  list(): ActiveFault[];
}

/** A Provisioned Throughput as the in-process API reports it. */
export interface ProvisionedThroughputInfo {
  arn: string;
  name: string;
  region: string;
  modelId: string;
  modelUnits: number;
  /** Tokens per minute: the PT's own figure, else model units x the model's tokens per unit. */
  tokensPerMinute?: number;
  /** Seconds of its rate its buckets hold, and start with (a minute's worth unless set). */
  burstSeconds: number;
  status: string;
}

/** Per-region ports, for outages that refuse connections. */
export interface RegionControl {
  /**
   * The region's own URL, on a port of its own (opened on first call). Every request there belongs
   * to the region, whatever its signature says; point that region's clients at it.
   */
  url(region: string): Promise<string>;
  /** Takes the region's port down: connections are refused (`ECONNREFUSED`) until `up`. */
  down(region: string): Promise<void>;
  /** Reopens the region's port, on the same port number. */
  up(region: string): Promise<void>;
  /** Every region with a port of its own, and whether it is up. */
  list(): RegionalPort[];
}

/** A running simulator. */
export interface Simulator {
  /** Base URL to give an SDK client as `endpoint`, e.g. `http://127.0.0.1:4010`. */
  readonly url: string;
  readonly port: number;
  readonly faults: FaultControl;
  readonly regions: RegionControl;
  /** Request and outcome counters per region and model, optionally filtered. */
  counters(filter?: { region?: string; model?: string }): Counter[];
  /** The most recent requests, oldest first. */
  requests(): RequestRecord[];
  /**
   * Capacity of every endpoint that has been used, by capacity key (`provisioned:{arn}`,
   * `on-demand:{region}:{model}`, `inference-profile:{region}:{profile}`,
   * `reserved:{region}:{model}`): what is left, what is reserved and used, and throttles by reason.
   */
  capacity(): Record<string, CapacitySnapshot>;
  /** Starts a new tokens-per-day window now: every endpoint's daily count goes back to zero. */
  newDay(): void;
  /** Every Provisioned Throughput, in every region. */
  provisionedThroughputs(): ProvisionedThroughputInfo[];
  /** Clears counters, the request log and the prompt caches, and refills every endpoint's capacity. Faults stay. */
  reset(): void;
  /** Stops the server; hung and streaming requests are cut, and logged before this resolves. */
  close(): Promise<void>;
}

/**
 * Starts a Bedrock simulator. Point any `BedrockRuntimeClient` or `BedrockClient` at `url` with
 * any region and static credentials:
 *
 * ```ts
 * const sim = await startSimulator({ provisionedThroughputs: [{ name: 'pt', region: 'us-east-1', modelId }] });
 * const client = new BedrockRuntimeClient({ region: 'us-west-2', endpoint: sim.url, credentials });
 * ```
 *
 * Throws a `SimulatorConfigError` naming each invalid option.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved: ResolvedOptions = parseWith(simulatorOptionsSchema, options, 'simulator options');
  const random = mulberry32(resolved.seed);
  const now = () => Date.now();
  const models = FOUNDATION_MODELS;
  const context: SimulatorContext = {
    options: resolved,
    models,
    provisioned: new ProvisionedThroughputs(resolved.accountId, models, now, random),
    capacity: new CapacityRegistry(now, resolved.quotas.dayMs),
    faults: new FaultInjector(random, now),
    promptCache: new PromptCache(resolved.promptCache),
    stats: new Stats(resolved.requestLogSize),
    responder: new Responder(resolved.answers, resolved.seed),
    now,
    random,
  };
  for (const [index, pt] of resolved.provisionedThroughputs.entries()) {
    try {
      context.provisioned.create({
        ...pt,
        quota: provisionedQuota(pt, resolved),
        delayMs: pt.status === 'Creating' ? resolved.provisioning.delayMs : 0,
        fails: pt.status === 'Failed',
      });
    } catch (error) {
      // Bedrock's own wording of what is wrong, at the path of the entry that caused it.
      const problem = `provisionedThroughputs.${index}: ${(error as Error).message}`;
      throw new SimulatorConfigError(`invalid simulator options:\n  ${problem}`, [problem]);
    }
  }
  for (const rule of resolved.faults) context.faults.add(rule);

  // The router is created below; regional ports only ask it for a handler when one opens.
  const ports = new RegionalPorts(
    (region) => router.handleRegion(region),
    resolved.host,
    resolved.keepAliveTimeoutMs,
  );
  const simulator: Omit<Simulator, 'url' | 'port' | 'close'> = {
    faults: {
      add: (rule) => context.faults.add(rule),
      remove: (id) => context.faults.remove(id),
      clear: () => context.faults.clear(),
      list: () => context.faults.list(),
    },
    counters: (filter) => context.stats.counters(filter),
    requests: () => context.stats.requests(),
    capacity: () => context.capacity.snapshot(),
    newDay: () => context.capacity.newDay(),
    provisionedThroughputs: () => context.provisioned.all().map((pt) => describe(context, pt)),
    reset: () => {
      context.stats.reset();
      context.capacity.reset();
      context.promptCache.clear();
    },
    regions: {
      url: (region) => ports.url(region),
      down: (region) => ports.down(region),
      up: (region) => ports.up(region),
      list: () => ports.list(),
    },
  };
  const router = createRouter(context, simulator);
  const listener = await listen(router.handle, resolved.port, resolved.host, resolved.keepAliveTimeoutMs);
  return {
    ...simulator,
    url: listener.url,
    port: listener.port,
    close: async () => {
      await Promise.all([listener.close(), ports.close()]);
      // Closing cut every connection; wait until the requests it ended are logged.
      await router.settled();
    },
  };
}

function describe(context: SimulatorContext, pt: ProvisionedThroughput): ProvisionedThroughputInfo {
  return {
    arn: pt.arn,
    name: pt.name,
    region: pt.region,
    modelId: pt.model.modelId,
    modelUnits: pt.modelUnits,
    ...(pt.quota.tokensPerMinute !== undefined && { tokensPerMinute: pt.quota.tokensPerMinute }),
    burstSeconds: pt.quota.burstSeconds ?? DEFAULT_BURST_SECONDS,
    status: context.provisioned.status(pt),
  };
}
