import { validationError } from '../errors.js';
import type { Reply } from '../responder.js';
import { contentText, type InvokeDialect, invocationMetrics, questionAndPrefill } from './invoke-dialect.js';

/** Amazon Nova's `messages-v1` body, as Bedrock's InvokeModel takes it for Nova models. */
export const novaMessages: InvokeDialect = {
  parse(request, call) {
    const messages = request.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      throw validationError(
        'Malformed input request: #: required key [messages] not found, please reformat your input and try again.',
      );
    }
    const config = (request.inferenceConfig ?? {}) as {
      maxTokens?: unknown;
      max_new_tokens?: unknown;
      stopSequences?: unknown;
    };
    const maxTokens = config.maxTokens ?? config.max_new_tokens;
    if (maxTokens !== undefined && (typeof maxTokens !== 'number' || maxTokens < 1)) {
      throw validationError(
        'Malformed input request: #/inferenceConfig/maxTokens must be a positive integer, please reformat your input and try again.',
      );
    }
    // Nova continues a prefill too; Anthropic's rule against trailing white space is not modelled for it.
    return {
      ...questionAndPrefill(messages),
      inputText: [contentText(request.system), ...messages.map((message) => contentText(message?.content))]
        .filter((text) => text !== '')
        .join('\n'),
      maxTokens: maxTokens as number | undefined,
      stopSequences: Array.isArray(config.stopSequences) ? (config.stopSequences as string[]) : undefined,
      outputTokens: call.target.behaviour.outputTokens,
    };
  },

  response(reply) {
    return {
      output: { message: { role: 'assistant', content: [{ text: reply.text }] } },
      stopReason: reply.stopReason,
      usage: usage(reply),
    };
  },

  chunks(reply, call) {
    return [
      { payload: { messageStart: { role: 'assistant' } }, content: false },
      ...reply.pieces.map((text) => ({
        payload: { contentBlockDelta: { delta: { text }, contentBlockIndex: 0 } },
        content: true,
      })),
      { payload: { contentBlockStop: { contentBlockIndex: 0 } }, content: false },
      { payload: { messageStop: { stopReason: reply.stopReason } }, content: false },
      {
        payload: {
          metadata: { usage: usage(reply) },
          'amazon-bedrock-invocationMetrics': invocationMetrics(reply, call),
        },
        content: false,
      },
    ];
  },
};

function usage(reply: Reply) {
  return {
    inputTokens: reply.inputTokens,
    outputTokens: reply.outputTokens,
    totalTokens: reply.inputTokens + reply.outputTokens,
  };
}
