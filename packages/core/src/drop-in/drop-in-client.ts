import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { constructStack } from '@smithy/core/client';
import type {
  BedrockHA,
  ConverseResult,
  ConverseStreamResult,
  InvokeModelResult,
  InvokeModelWithResponseStreamResult,
  RequestOptions,
} from '../bedrock-ha-api.js';
import type { Endpoint } from '../chain/endpoint.js';
import type { AttemptMiddleware } from '../sdk/attempt-middleware.js';
import { dropInError } from './drop-in-error.js';

/** The part of the SDK's `send` options the drop-in client honours. */
export interface SendOptions {
  /** Cancels the request down to the socket; `send` rejects with the signal's reason. */
  readonly abortSignal?: AbortSignal;
}

/** What `createBedrockHA` hands the drop-in client. */
export interface DropInClientSetup {
  /** The engine that serves every command. */
  readonly engine: Pick<
    BedrockHA,
    'converse' | 'converseStream' | 'invokeModel' | 'invokeModelWithResponseStream'
  >;
  /** The configuration's first endpoint: `config` describes it (region, endpoint, credentials). */
  readonly endpoint: Pick<Endpoint, 'region' | 'client'>;
  /** Closes the engine's SDK connections; the engine reconnects on its next request. */
  readonly closeConnections: () => void;
}

type Callback<T> = (error: unknown, data?: T) => void;
type SentCommand = {
  readonly input: { modelId?: string | undefined };
  readonly constructor: { name: string };
  readonly middlewareStack?: BedrockRuntimeClient['middlewareStack'];
};
const SERVED = [
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
];

/**
 * A real `BedrockRuntimeClient` whose `send` runs the four runtime commands through bedrock-ha's
 * chains, the command's `modelId` naming the chain: replace `new BedrockRuntimeClient(...)` with
 * `ha.client` and keep every `send` as it is, or hand it to a library that takes a client.
 *
 * - `middlewareStack` starts empty; what you add to it (and to a sent command's own stack) runs
 *   on every attempt's real request, after the endpoint client's own middleware.
 * - `config` is the SDK's resolved configuration for the configuration's first endpoint
 *   (`await config.region()` is its region); the engine's clients, one per region, do the calls.
 * - `destroy()` closes the engine's connections; the engine stays usable (`ha.destroy()` ends it).
 */
export class DropInClient extends BedrockRuntimeClient {
  readonly #engine: DropInClientSetup['engine'];
  readonly #closeConnections: () => void;

  constructor(setup: DropInClientSetup) {
    super(sdkConfig(setup.endpoint));
    // Only what users add: the SDK's own middleware (signing, retries, serde) already runs in the
    // endpoint's client, and running it twice would sign twice and retry under the chain.
    this.middlewareStack = constructStack();
    this.#engine = setup.engine;
    this.#closeConnections = setup.closeConnections;
  }

  /** Converse through the chain named by `modelId`. */
  override send(command: ConverseCommand, options?: SendOptions): Promise<ConverseResult>;
  /** ConverseStream through the chain named by `modelId`; resolves at the first content. */
  override send(command: ConverseStreamCommand, options?: SendOptions): Promise<ConverseStreamResult>;
  /** InvokeModel through the chain named by `modelId`. */
  override send(command: InvokeModelCommand, options?: SendOptions): Promise<InvokeModelResult>;
  /** InvokeModelWithResponseStream through the chain named by `modelId`. */
  override send(
    command: InvokeModelWithResponseStreamCommand,
    options?: SendOptions,
  ): Promise<InvokeModelWithResponseStreamResult>;
  /** Any other command rejects with a TypeError naming it. */
  override send(command: object, options?: SendOptions): Promise<never>;
  /** The SDK's callback forms. */
  override send<T>(command: object, callback: Callback<T>): void;
  override send<T>(command: object, options: SendOptions, callback: Callback<T>): void;
  override send(
    command: object,
    optionsOrCallback?: SendOptions | Callback<unknown>,
    callback?: Callback<unknown>,
  ): Promise<unknown> | undefined {
    const done = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
    const options = typeof optionsOrCallback === 'function' ? {} : (optionsOrCallback ?? {});
    const sending = this.#dispatch(command as SentCommand, options).catch((error: unknown) => {
      throw dropInError(error);
    });
    if (!done) return sending;
    sending.then(
      (output) => done(null, output),
      (error: unknown) => done(error),
    );
    return undefined;
  }

  /** Closes the engine's SDK connections (requests in flight fail); the engine reconnects on demand. */
  override destroy(): void {
    this.#closeConnections();
    super.destroy();
  }

  #dispatch(command: SentCommand, options: SendOptions): Promise<unknown> {
    // Matched by name as well, so commands from another copy of the SDK package work too.
    const is = (type: { name: string }) =>
      command instanceof (type as never) || command.constructor.name === type.name;
    // The command is checked first: an unsupported one without a modelId (ApplyGuardrail) must
    // be named as unsupported, not reported as missing a modelId it could never have.
    if (!SERVED.some(is))
      return Promise.reject(
        new TypeError(
          `bedrock-ha's client serves Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream, not ${command.constructor.name}; send it with a BedrockRuntimeClient`,
        ),
      );
    const { modelId, ...input } = command.input;
    if (typeof modelId !== 'string' || modelId === '')
      return Promise.reject(
        new TypeError('The command has no modelId; set it to the name of a bedrock-ha chain'),
      );
    const request: RequestOptions = {
      ...(options.abortSignal ? { signal: options.abortSignal } : {}),
      ...this.#middlewareFor(command),
    };
    const engine = this.#engine;
    if (is(ConverseCommand)) return engine.converse(modelId, input, request);
    if (is(ConverseStreamCommand)) return engine.converseStream(modelId, input, request);
    if (is(InvokeModelCommand)) return engine.invokeModel(modelId, input as never, request);
    return engine.invokeModelWithResponseStream(modelId, input as never, request);
  }

  /** This client's stack and the command's, as one plugin for every attempt; none when both are empty. */
  #middlewareFor(command: SentCommand): { middleware?: AttemptMiddleware } {
    const stacks = [this.middlewareStack, command.middlewareStack].filter(
      (stack) => stack !== undefined && stack.identify().length > 0,
    );
    if (stacks.length === 0) return {};
    return {
      middleware: {
        applyToStack(stack) {
          for (const added of stacks) stack.use(added!);
        },
      },
    };
  }
}

/** The SDK configuration `config` resolves from: the first endpoint's region and connection settings. */
function sdkConfig({ region, client }: DropInClientSetup['endpoint']): BedrockRuntimeClientConfig {
  const config: BedrockRuntimeClientConfig = { region, maxAttempts: 1 };
  if (client.endpoint !== undefined) config.endpoint = client.endpoint;
  if (client.profile !== undefined) config.profile = client.profile;
  // A copy: the SDK writes into the credentials object it is given.
  if (client.credentials !== undefined) config.credentials = { ...client.credentials };
  return config;
}
