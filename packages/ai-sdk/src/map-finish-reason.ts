import type { LanguageModelV4FinishReason } from '@ai-sdk/provider';

const UNIFIED: Record<string, LanguageModelV4FinishReason['unified']> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
  content_filtered: 'content-filter',
  guardrail_intervened: 'content-filter',
  malformed_model_output: 'error',
  malformed_tool_use: 'error',
};

/** A Converse `stopReason` as the AI SDK's finish reason, the raw reason kept. */
export function mapFinishReason(stopReason: string | undefined): LanguageModelV4FinishReason {
  return { unified: (stopReason && UNIFIED[stopReason]) || 'other', raw: stopReason };
}
