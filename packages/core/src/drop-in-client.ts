import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import type {
  BedrockHA,
  ConverseResult,
  ConverseStreamResult,
  InvokeModelResult,
  InvokeModelWithResponseStreamResult,
} from './bedrock-ha-api.js';

/** The commands the drop-in client serves, and what each resolves to. */
export interface DropInClient {
  send(command: ConverseCommand, options?: SendOptions): Promise<ConverseResult>;
  send(command: ConverseStreamCommand, options?: SendOptions): Promise<ConverseStreamResult>;
  send(command: InvokeModelCommand, options?: SendOptions): Promise<InvokeModelResult>;
  send(
    command: InvokeModelWithResponseStreamCommand,
    options?: SendOptions,
  ): Promise<InvokeModelWithResponseStreamResult>;
}

/** The part of the SDK's `send` options the drop-in client honours. */
export interface SendOptions {
  readonly abortSignal?: AbortSignal;
}

type AnyCommand = { input: { modelId?: string | undefined }; constructor: { name: string } };

/**
 * A `BedrockRuntimeClient` look-alike for the four runtime commands, where `modelId` names a chain:
 * replace `new BedrockRuntimeClient(...)` with `ha.client` and keep every `send` as it is.
 */
export function dropInClient(ha: BedrockHA): DropInClient {
  return {
    send(command: AnyCommand, options: SendOptions = {}): Promise<never> {
      // Matched by name as well, so commands from another copy of the SDK package work too.
      const is = (type: { name: string }) =>
        command instanceof (type as never) || command.constructor.name === type.name;
      // The command is checked first: an unsupported one without a modelId (ApplyGuardrail) must
      // be named as unsupported, not reported as missing a modelId it could never have.
      if (
        ![
          ConverseCommand,
          ConverseStreamCommand,
          InvokeModelCommand,
          InvokeModelWithResponseStreamCommand,
        ].some(is)
      )
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
      const request = options.abortSignal ? { signal: options.abortSignal } : {};
      if (is(ConverseCommand)) return ha.converse(modelId, input, request) as Promise<never>;
      if (is(ConverseStreamCommand)) return ha.converseStream(modelId, input, request) as Promise<never>;
      if (is(InvokeModelCommand)) return ha.invokeModel(modelId, input as never, request) as Promise<never>;
      return ha.invokeModelWithResponseStream(modelId, input as never, request) as Promise<never>;
    },
  } as DropInClient;
}
