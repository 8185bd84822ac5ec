import type { LanguageModelV4, ProviderV4 } from '@ai-sdk/provider';
import { NoSuchModelError } from '@ai-sdk/provider';
import {
  type BedrockHA,
  type BedrockHAConfig,
  type BedrockHAOptions,
  createBedrockHA,
} from '@bedrock-ha/core';
import { BedrockHALanguageModel } from './bedrock-ha-language-model.js';

/** Settings of `createBedrockHAProvider`: an engine you own, or a configuration to build one from. */
export type BedrockHAProviderSettings =
  | { readonly engine: BedrockHA }
  | { readonly config: BedrockHAConfig; readonly options?: BedrockHAOptions };

/** An AI SDK provider whose models are bedrock-ha chains: `provider('claude-haiku')`. */
export interface BedrockHAProvider extends ProviderV4 {
  /** The language model of a chain. */
  (chain: string): LanguageModelV4;
  /** The language model of a chain; throws `NoSuchModelError` naming the chains for an unknown one. */
  languageModel(chain: string): LanguageModelV4;
  /** The engine the models call (the one passed in, or the one built from `config`). */
  readonly engine: BedrockHA;
}

/**
 * Creates an AI SDK provider over a bedrock-ha engine, so that `generateText` and `streamText`
 * run through a chain in this process, with its retries, breakers and failover:
 *
 * ```ts
 * const bedrockHA = createBedrockHAProvider({ engine: ha });
 * const { text, providerMetadata } = await generateText({ model: bedrockHA('claude-haiku'), prompt });
 * providerMetadata?.bedrockHa?.servedBy; // { endpointId, region, kind, modelId }
 * ```
 *
 * An engine built from `config` belongs to the provider: end it with `provider.engine.destroy()`.
 */
export function createBedrockHAProvider(settings: BedrockHAProviderSettings): BedrockHAProvider {
  if (
    settings === null ||
    typeof settings !== 'object' ||
    (!('engine' in settings) && !('config' in settings))
  ) {
    throw new TypeError(
      'createBedrockHAProvider needs { engine } (from createBedrockHA) or { config } (a bedrock-ha configuration).',
    );
  }
  const engine = 'engine' in settings ? settings.engine : createBedrockHA(settings.config, settings.options);

  const languageModel = (chain: string): LanguageModelV4 => {
    if (!engine.chains.includes(chain)) {
      throw new NoSuchModelError({
        modelId: chain,
        modelType: 'languageModel',
        message: `No chain named "${chain}": the configured chains are ${engine.chains.map((name) => `"${name}"`).join(', ')}. Pass a chain name, not a Bedrock model id.`,
      });
    }
    return new BedrockHALanguageModel(chain, engine);
  };
  const unsupported = (modelType: 'embeddingModel' | 'imageModel') => (modelId: string) => {
    throw new NoSuchModelError({
      modelId,
      modelType,
      message: `bedrock-ha serves language models only (Converse); "${modelId}" cannot be an ${modelType}.`,
    });
  };

  return Object.assign((chain: string) => languageModel(chain), {
    specificationVersion: 'v4' as const,
    languageModel,
    embeddingModel: unsupported('embeddingModel'),
    imageModel: unsupported('imageModel'),
    engine,
  });
}
