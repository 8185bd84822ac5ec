import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { BedrockHA, BedrockHAOptions } from './bedrock-ha-api.js';
import { inputForEndpoint } from './capabilities/capability-gate.js';
import type { EndpointRef } from './chain/endpoint.js';
import type { RequestClock } from './chain/request-clock.js';
import type { BedrockHAConfig } from './config/config-schema.js';
import { type ResolvedConfig, resolveValidConfig } from './config/resolve-valid-config.js';
import { DropInClient } from './drop-in/drop-in-client.js';
import type { Attempt } from './errors/attempt.js';
import { Engine } from './operations/engine.js';
import { OPERATIONS, streamSender } from './operations/operations.js';
import { continuationFilter, continuationInput } from './streaming/converse-resume.js';
import { type StreamLease, streamStep } from './streaming/stream-lease.js';
import type { Resumption, StreamSession } from './streaming/stream-session.js';

/**
 * {@link createBedrockHA} for a configuration that `precompileConfig` validated at build time
 * (`readPrecompiledConfig` says so): the schema check is skipped, so the configuration schema and
 * zod are never loaded (a bundled Lambda's cold start). References, ids, kinds and regions are
 * still checked. Pass anything else to `createBedrockHA`.
 * @throws ConfigError naming each problem that the schema does not cover.
 */
export function createValidatedBedrockHA(config: BedrockHAConfig, options: BedrockHAOptions = {}): BedrockHA {
  return bedrockHA(resolveValidConfig(config), options);
}

/** The engine's API over a resolved configuration; `createBedrockHA` validates it first. */
export function bedrockHA(config: ResolvedConfig, options: BedrockHAOptions): BedrockHA {
  const engine = new Engine(config, options);
  const { converse, invokeModel, converseStream, invokeModelWithResponseStream } = OPERATIONS;
  let dropIn: DropInClient | undefined;
  const ha: BedrockHA = {
    ...engine.events.api,
    chains: [...engine.config.chains.keys()],
    converse: (chain, input, request = {}) => engine.unary(converse, chain, input, request),
    invokeModel: (chain, input, request = {}) => engine.unary(invokeModel, chain, input, request),
    async converseStream(name, input, request = {}) {
      const chain = engine.chain(name);
      // Resume mode: the rest of an interrupted answer, asked of the next endpoints.
      const resume =
        (request.resume ?? chain.resume)
          ? (clock: () => RequestClock): Resumption<ConverseStreamOutput> => ({
              clock,
              step: (delivered) =>
                streamStep(
                  streamSender(
                    converseStream,
                    (endpoint) =>
                      inputForEndpoint(
                        chain,
                        'ConverseStream',
                        continuationInput(input, delivered),
                        endpoint,
                      ),
                    engine.clientOf,
                    request.middleware,
                  ),
                  converseStream.info,
                ),
              filter: continuationFilter,
            })
          : undefined;
      return streamResult(await engine.stream(converseStream, name, input, request, resume), 'stream');
    },
    invokeModelWithResponseStream: async (chain, input, request = {}) =>
      streamResult(await engine.stream(invokeModelWithResponseStream, chain, input, request), 'body'),
    // Built on first use: constructing an SDK client costs a few milliseconds that apps which
    // never use the drop-in client should not pay.
    get client() {
      if (!dropIn) {
        const [first] = engine.config.chains.values();
        dropIn = new DropInClient({
          engine: ha,
          endpoint: first!.endpoints[0]!,
          closeConnections: () => engine.clients.destroy(),
        });
      }
      return dropIn;
    },
    health: () =>
      [...engine.states.values()].map((state) => state.health(engine.chainsOf.get(state.endpoint.id) ?? [])),
    destroy() {
      engine.clients.destroy();
      engine.telemetry?.dispose();
    },
  };
  return ha;
}

/** A stream's result: the SDK output's members, its events under `key`, and who serves it now. */
function streamResult<E, K extends 'stream' | 'body'>(
  started: { session: StreamSession<E>; lease: StreamLease<E>; attempts: readonly Attempt[] },
  key: K,
) {
  const { session, lease } = started;
  const result = {
    ...lease.fields,
    $metadata: lease.metadata,
    attempts: started.attempts,
    [key]: session.events(),
  } as {
    $metadata: StreamLease<E>['metadata'];
    attempts: readonly Attempt[];
    servedBy: EndpointRef;
  } & Record<K, AsyncIterable<E>>;
  // The serving endpoint changes when a stream resumes elsewhere; read it live.
  Object.defineProperty(result, 'servedBy', { enumerable: true, get: () => session.servedBy });
  return result as never;
}
