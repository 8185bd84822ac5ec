import type { LanguageModelV4CallOptions, SharedV4Warning } from '@ai-sdk/provider';
import { InvalidArgumentError } from '@ai-sdk/provider';
import type { AttemptMiddleware, ConverseInput, ConverseStreamOptions } from '@bedrock-ha/core';
import { convertToConverseMessages } from './convert-to-converse-messages.js';
import { prepareTools } from './prepare-tools.js';

/** `providerOptions.bedrockHa` on a call. */
export interface BedrockHACallOptions {
  /** Model-specific request fields, sent as Converse `additionalModelRequestFields` (`{ top_k: 5 }`). */
  readonly additionalModelRequestFields?: Record<string, unknown>;
  /** Overrides the chain's deadline for this call (ms). */
  readonly deadlineMs?: number;
  /** Streams: overrides the chain's `resume` (continue a cut stream on the next endpoint). */
  readonly resume?: boolean;
}

/** A Converse request and the engine's request options for one AI SDK call. */
export interface ConverseCall {
  readonly input: ConverseInput;
  readonly requestOptions: ConverseStreamOptions;
  readonly warnings: SharedV4Warning[];
}

const UNSUPPORTED = ['topK', 'presencePenalty', 'frequencyPenalty', 'seed'] as const;

/** Maps the AI SDK's call options to a Converse request, with a warning for each setting left out. */
export function prepareConverseCall(options: LanguageModelV4CallOptions): ConverseCall {
  const warnings: SharedV4Warning[] = [];
  const providerOptions = readProviderOptions(options.providerOptions?.bedrockHa);
  for (const name of UNSUPPORTED) {
    if (options[name] !== undefined) {
      warnings.push({
        type: 'unsupported',
        feature: name,
        details:
          name === 'topK'
            ? 'Converse has no topK; pass it model-specifically in providerOptions.bedrockHa.additionalModelRequestFields.'
            : undefined,
      });
    }
  }
  if (options.reasoning !== undefined && options.reasoning !== 'provider-default') {
    warnings.push({
      type: 'unsupported',
      feature: 'reasoning',
      details:
        'reasoning budgets are model-specific; set them in providerOptions.bedrockHa.additionalModelRequestFields.',
    });
  }

  const { system, messages, hasToolContent } = convertToConverseMessages(options.prompt, warnings);
  const toolConfig = prepareTools(options, hasToolContent, warnings);

  let outputConfig: ConverseInput['outputConfig'];
  if (options.responseFormat?.type === 'json') {
    if (options.responseFormat.schema === undefined) {
      warnings.push({
        type: 'unsupported',
        feature: 'responseFormat JSON without a schema',
        details: 'Converse structured output needs a JSON Schema; the answer is plain text.',
      });
    } else {
      const { schema, name, description } = options.responseFormat;
      outputConfig = {
        textFormat: {
          type: 'json_schema',
          structure: {
            jsonSchema: {
              schema: JSON.stringify(schema),
              ...(name !== undefined && { name }),
              ...(description !== undefined && { description }),
            },
          },
        },
      };
    }
  }

  const inferenceConfig = {
    ...(options.maxOutputTokens !== undefined && { maxTokens: options.maxOutputTokens }),
    ...(options.temperature !== undefined && { temperature: options.temperature }),
    ...(options.topP !== undefined && { topP: options.topP }),
    ...(options.stopSequences !== undefined && { stopSequences: options.stopSequences }),
  };
  const input: ConverseInput = {
    messages,
    ...(system.length > 0 && { system }),
    ...(Object.keys(inferenceConfig).length > 0 && { inferenceConfig }),
    ...(toolConfig && { toolConfig }),
    ...(outputConfig && { outputConfig }),
    ...(providerOptions.additionalModelRequestFields && {
      additionalModelRequestFields: providerOptions.additionalModelRequestFields as never,
    }),
  };
  const middleware = headersMiddleware(options.headers);
  const requestOptions: ConverseStreamOptions = {
    ...(options.abortSignal && { signal: options.abortSignal }),
    ...(providerOptions.deadlineMs !== undefined && { deadlineMs: providerOptions.deadlineMs }),
    ...(providerOptions.resume !== undefined && { resume: providerOptions.resume }),
    ...(middleware && { middleware }),
  };
  return { input, requestOptions, warnings };
}

function readProviderOptions(value: Record<string, unknown> | undefined): BedrockHACallOptions {
  if (value === undefined) return {};
  const { additionalModelRequestFields, deadlineMs, resume } = value;
  if (
    additionalModelRequestFields !== undefined &&
    (typeof additionalModelRequestFields !== 'object' ||
      additionalModelRequestFields === null ||
      Array.isArray(additionalModelRequestFields))
  ) {
    throw invalid('additionalModelRequestFields', 'must be an object, such as { top_k: 5 }');
  }
  if (deadlineMs !== undefined && (typeof deadlineMs !== 'number' || !(deadlineMs > 0))) {
    throw invalid('deadlineMs', 'must be a positive number of milliseconds');
  }
  if (resume !== undefined && typeof resume !== 'boolean') throw invalid('resume', 'must be true or false');
  return value as BedrockHACallOptions;
}

function invalid(name: string, what: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: `providerOptions.bedrockHa.${name}`,
    message: `providerOptions.bedrockHa.${name} ${what}.`,
  });
}

/**
 * The call's headers on every attempt's request (signed, as the SDK signs headers added at its
 * build step). `user-agent` is left to the AWS SDK, which sets its own.
 */
function headersMiddleware(
  headers: Record<string, string | undefined> | undefined,
): AttemptMiddleware | undefined {
  const entries = Object.entries(headers ?? {}).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[0].toLowerCase() !== 'user-agent',
  );
  if (entries.length === 0) return undefined;
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => {
          const request = args.request as { headers?: Record<string, string> } | undefined;
          if (request?.headers) for (const [name, value] of entries) request.headers[name] = value;
          return next(args);
        },
        { step: 'build', name: 'bedrockHaAiSdkHeaders' },
      );
    },
  };
}
