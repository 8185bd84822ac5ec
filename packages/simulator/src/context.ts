import type { CapacityRegistry } from './capacity.js';
import type { FoundationModel } from './catalog.js';
import type { FaultInjector } from './fault-injector.js';
import type { ResolvedOptions } from './options.js';
import type { PromptCache } from './prompt-cache/prompt-cache.js';
import type { ProvisionedThroughputs } from './provisioned.js';
import type { Responder } from './responder.js';
import type { Stats } from './stats.js';

/** The simulator's state, shared by every request handler. */
export interface SimulatorContext {
  readonly options: ResolvedOptions;
  readonly models: readonly FoundationModel[];
  readonly provisioned: ProvisionedThroughputs;
  readonly capacity: CapacityRegistry;
  readonly faults: FaultInjector;
  readonly promptCache: PromptCache;
  readonly stats: Stats;
  readonly responder: Responder;
  now(): number;
  random(): number;
}
