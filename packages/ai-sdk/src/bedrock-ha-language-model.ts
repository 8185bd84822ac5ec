import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import type { BedrockHA } from '@bedrock-ha/core';
import { converseStreamParts } from './converse-stream-parts.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';
import { prepareConverseCall } from './prepare-converse-call.js';
import { servedByMetadata } from './served-by-metadata.js';

/**
 * An AI SDK language model (specification v4) whose calls run through one bedrock-ha chain:
 * `doGenerate` over `ha.converse`, `doStream` over `ha.converseStream`. The chain's retries and
 * failover are the only retry loop: its errors are not `APICallError`s, so the AI SDK's own
 * `maxRetries` does not repeat them.
 */
export class BedrockHALanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'bedrock-ha';
  /** Bedrock reads `s3://` images and documents itself; the AI SDK downloads other URLs. */
  readonly supportedUrls: Record<string, RegExp[]> = { '*/*': [/^s3:\/\//] };

  constructor(
    /** The chain name. */
    readonly modelId: string,
    private readonly engine: BedrockHA,
  ) {}

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { input, requestOptions, warnings } = prepareConverseCall(options);
    const { resume: _resume, ...converseOptions } = requestOptions;
    const result = await this.engine.converse(this.modelId, input, converseOptions);
    const content: LanguageModelV4Content[] = [];
    for (const block of result.output?.message?.content ?? []) {
      if (block.text !== undefined) content.push({ type: 'text', text: block.text });
      else if (block.toolUse) {
        content.push({
          type: 'tool-call',
          toolCallId: block.toolUse.toolUseId ?? '',
          toolName: block.toolUse.name ?? '',
          input: JSON.stringify(block.toolUse.input ?? {}),
        });
      } else if (block.reasoningContent?.reasoningText) {
        const { text, signature } = block.reasoningContent.reasoningText;
        content.push({
          type: 'reasoning',
          text: text ?? '',
          ...(signature !== undefined && { providerMetadata: { bedrockHa: { signature } } }),
        });
      }
    }
    return {
      content,
      finishReason: mapFinishReason(result.stopReason),
      usage: mapUsage(result.usage),
      providerMetadata: servedByMetadata(result),
      request: { body: input },
      response: { modelId: result.servedBy.modelId },
      warnings,
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { input, requestOptions, warnings } = prepareConverseCall(options);
    const result = await this.engine.converseStream(this.modelId, input, requestOptions);
    return {
      stream: converseStreamParts(result, warnings, options.includeRawChunks === true),
      request: { body: input },
    };
  }
}
