import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { BedrockHAOptions, RequestOptions, Served } from '../bedrock-ha-api.js';
import { capabilityGate } from '../capabilities/capability-gate.js';
import { type Demand, estimateDemand } from '../capacity/token-estimate.js';
import { AffinityRouting } from '../chain/affinity-routing.js';
import type { EndpointAnswer, RunnerContext, RunnerRequest } from '../chain/chain-request.js';
import { type Chain, type Endpoint, endpointRef } from '../chain/endpoint.js';
import { LatencyStats } from '../chain/latency-stats.js';
import { RequestClock } from '../chain/request-clock.js';
import { endpointOrder } from '../chain/routing.js';
import { runChain } from '../chain/run-chain.js';
import { ConfigError } from '../config/config-error.js';
import { storeBounds } from '../config/defaults.js';
import type { ResolvedConfig } from '../config/resolve-valid-config.js';
import { UnknownChainError } from '../errors/unknown-chain-error.js';
import { EndpointState } from '../policies/endpoint-policies.js';
import { classifyError } from '../policies/error-classification.js';
import { ClientPool, defaultClientFactory } from '../sdk/client-pool.js';
import { withLocalFallback } from '../state/local-fallback-store.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import type { StateStore } from '../state/state-store.js';
import { type StreamLease, streamStep } from '../streaming/stream-lease.js';
import { type Resumption, StreamSession } from '../streaming/stream-session.js';
import { EventHub } from '../telemetry/events.js';
import { type Instrumentation, NO_INSTRUMENTATION, type Operation } from '../telemetry/instrumentation.js';
import { createTelemetry, type Telemetry } from '../telemetry/otel-telemetry.js';
import { type StreamOperation, sendCommand, streamSender, type UnaryOperation } from './operations.js';

/**
 * What one engine holds across requests (chains, endpoint policies, SDK clients, telemetry) and
 * how it runs an operation down a chain: {@link Engine.unary} for a one-shot answer,
 * {@link Engine.stream} for a stream up to its first content, handed on to a {@link StreamSession}.
 */
export class Engine {
  readonly events = new EventHub();
  readonly clients: ClientPool;
  /** Each endpoint's policies, by endpoint id; shared by every chain that routes to it. */
  readonly states = new Map<string, EndpointState>();
  /** The chains that route to each endpoint, for health(); an id appears once per chain. */
  readonly chainsOf = new Map<string, string[]>();
  /** Each endpoint's latency and error-rate averages, by endpoint id, for adaptive routing. */
  readonly latency = new LatencyStats();
  /** Which endpoint each affinity key belongs to (this process's own). */
  readonly affinity: AffinityRouting;
  readonly telemetry: Telemetry | undefined;
  private readonly instrumentation: Instrumentation;
  private readonly contexts = new WeakMap<Chain, RunnerContext>();
  private readonly random: () => number;
  private readonly classify: (error: unknown, endpoint: Endpoint) => ReturnType<typeof classifyError>;

  constructor(
    readonly config: ResolvedConfig,
    options: BedrockHAOptions,
  ) {
    this.clients = new ClientPool(options.clientFactory ?? defaultClientFactory);
    this.random = options.random ?? Math.random;
    const custom = options.classifyError;
    this.classify = (error, endpoint) => custom?.(error, endpoint) ?? classifyError(error);
    const now = options.now ?? Date.now;
    const store = this.stateStore(options, now);
    this.affinity = new AffinityRouting(config.affinity, options.affinityKey, now);
    for (const chain of config.chains.values())
      for (const endpoint of chain.endpoints) {
        if (!this.states.has(endpoint.id))
          this.states.set(
            endpoint.id,
            new EndpointState(endpoint, this.classify, config.retryBudget, this.events, store, now),
          );
        this.chainsOf.set(endpoint.id, [...(this.chainsOf.get(endpoint.id) ?? []), chain.name]);
      }
    this.telemetry =
      options.telemetry === false
        ? undefined
        : createTelemetry({
            ...options.telemetry,
            captureContent: config.captureContent,
            events: this.events.api,
          });
    this.instrumentation = this.telemetry ?? NO_INSTRUMENTATION;
  }

  /**
   * Breakers, retry budgets and usage live in the store; a store of the user's own (shared by a fleet)
   * falls back to local state on failures and slowness, each fallback an event (telemetry counts it).
   */
  private stateStore(options: BedrockHAOptions, now: () => number): StateStore {
    const { state } = this.config;
    if (!options.stateStore) {
      if (state.store === 'redis') throw missingStore();
      return new MemoryStateStore({ now });
    }
    const { events } = this;
    return withLocalFallback(options.stateStore, {
      now,
      ...storeBounds(state),
      onFallback: ({ operation, reason, error }) =>
        events.stateStoreFallback.emit({
          operation,
          reason,
          ...(error !== undefined && { message: error instanceof Error ? error.message : String(error) }),
        }),
      onStoreStateChange: (storeState) => events.stateStoreStateChange.emit({ state: storeState }),
    });
  }

  /** The chain named `name`; throws {@link UnknownChainError} when there is none. */
  chain(name: string): Chain {
    const chain = this.config.chains.get(name);
    if (!chain) throw new UnknownChainError(name, [...this.config.chains.keys()]);
    return chain;
  }

  readonly clientOf = (endpoint: Endpoint): BedrockRuntimeClient => this.clients.of(endpoint);

  /** Runs a one-shot operation down a chain: the first endpoint's answer, with who served it. */
  async unary<I, O extends object>(
    operation: UnaryOperation<I, O>,
    name: string,
    input: I,
    request: RequestOptions,
  ): Promise<O & Served> {
    const chain = this.chain(name);
    const run = this.begin(chain, operation.name, input, request);
    const key = this.affinity.keyFor(chain, input, request);
    try {
      const answer = await runChain(
        this.contextFor(chain),
        run,
        this.order(chain, key, run.demand),
        {
          call: (endpoint, { signal }) =>
            sendCommand<O>(
              this.clientOf(endpoint),
              operation.command(
                run.gate ? run.gate.inputFor(endpoint, input) : input,
                endpoint.modelId,
                endpoint.serviceTier,
              ),
              request.middleware,
              signal,
            ),
          timeout: 'attemptMs',
          describe: operation.describe,
        },
        chain.hedgeAfterMs,
      );
      this.affinity.served(chain, key, answer.endpoint);
      const servedBy = endpointRef(answer.endpoint);
      run.scope.end({ outcome: 'success', servedBy, attempts: run.attempts, ...answer.described });
      return Object.assign(answer.value, { servedBy, attempts: run.attempts });
    } catch (error) {
      run.scope.end({ outcome: 'failure', error, attempts: run.attempts });
      throw error;
    } finally {
      run.clock.dispose();
      this.latency.observe(run.attempts);
    }
  }

  /** Opens a stream down a chain (up to its first content) and hands it to a session. */
  async stream<I, O, E>(
    operation: StreamOperation<I, O, E>,
    name: string,
    input: I,
    request: RequestOptions,
    resume?: (clock: () => RequestClock) => Resumption<E>,
  ): Promise<{ session: StreamSession<E>; lease: StreamLease<E>; attempts: RunnerRequest['attempts'] }> {
    const chain = this.chain(name);
    const run = this.begin(chain, operation.name, input, request);
    const context = this.contextFor(chain);
    const key = this.affinity.keyFor(chain, input, request);
    const endpoints = this.order(chain, key, run.demand);
    try {
      const { gate } = run;
      const inputFor = (endpoint: Endpoint) => (gate ? gate.inputFor(endpoint, input) : input);
      const send = streamSender(operation, inputFor, this.clientOf, request.middleware);
      const answer: EndpointAnswer<StreamLease<E>> = await runChain(
        context,
        run,
        endpoints,
        streamStep(send, operation.info),
        chain.hedgeAfterMs,
      );
      this.affinity.served(chain, key, answer.endpoint);
      const session = new StreamSession<E>({
        context,
        request: run,
        first: answer,
        order: endpoints,
        info: operation.info,
        caller: request.signal,
        resume: resume?.(() => new RequestClock(request.signal, request.deadlineMs ?? chain.deadlineMs)),
      });
      return { session, lease: answer.value, attempts: run.attempts };
    } catch (error) {
      run.scope.end({ outcome: 'failure', error, attempts: run.attempts });
      throw error;
    } finally {
      run.clock.dispose();
      // Up to the first content: a stream's success counts its time to first token.
      this.latency.observe(run.attempts);
    }
  }

  /** The order a request tries the chain in: by its routing, then its affinity key's preference. */
  private order(chain: Chain, key: string | undefined, demand: Demand | undefined): readonly Endpoint[] {
    const order = endpointOrder(chain, this.states, this.random, this.latency, demand);
    return this.affinity.order(chain, key, order, this.states, demand);
  }

  /** The runner's view of a chain, built once per chain: nothing in it varies by request. */
  private contextFor(chain: Chain): RunnerContext {
    let context = this.contexts.get(chain);
    if (!context) {
      context = {
        chain: chain.name,
        events: this.events,
        state: (endpoint) => this.states.get(endpoint.id)!,
        classify: this.classify,
        random: this.random,
      };
      this.contexts.set(chain, context);
    }
    return context;
  }

  private begin(chain: Chain, operation: Operation, input: unknown, request: RequestOptions): RunnerRequest {
    return {
      clock: new RequestClock(request.signal, request.deadlineMs ?? chain.deadlineMs),
      scope: this.instrumentation.request({ chain: chain.name, operation, input }),
      attempts: [],
      errors: [],
      // Estimated only for a chain with an endpoint that manages its capacity.
      ...(chain.endpoints.some((endpoint) => endpoint.capacity) && {
        demand: estimateDemand(operation, input),
      }),
      // Only for a chain with an endpoint that lacks a feature or knows its context window.
      gate: capabilityGate(chain, operation, input),
    };
  }
}

/** `state.store: redis` reached `createBedrockHA` without a store to use. */
function missingStore(): ConfigError {
  return new ConfigError([
    {
      path: 'state.store',
      message: "store 'redis' needs a Redis state store, and none was given to createBedrockHA",
      fix: "the server, the Lambda handler and the CLI open it from @bedrock-ha/redis (install it); in code, pass createBedrockHA(config, { stateStore: new RedisStateStore({ url }) }), or set store: 'memory'",
    },
  ]);
}
