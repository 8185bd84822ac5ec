import { validationError } from '../errors.js';
import type { RuntimeOperation } from '../operations.js';
import type { Target } from '../target.js';

/**
 * Refuses a request longer than the model's context window, counted as usage counts input
 * tokens, with Bedrock's message: Anthropic's own through InvokeModel ("prompt is too long: N
 * tokens > M maximum"), Bedrock's otherwise ("Input is too long for requested model.").
 */
export function enforceContextWindow(operation: RuntimeOperation, target: Target, inputTokens: number): void {
  const window = target.behaviour.contextWindow;
  if (inputTokens <= window) return;
  const invoke = operation === 'InvokeModel' || operation === 'InvokeModelWithResponseStream';
  throw validationError(
    invoke && target.model.dialect === 'anthropic-messages'
      ? `The model returned the following errors: prompt is too long: ${inputTokens} tokens > ${window} maximum`
      : 'The model returned the following errors: Input is too long for requested model.',
  );
}
