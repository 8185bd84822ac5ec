import { validationError } from '../errors.js';
import { anthropicCachePoints } from '../prompt-cache/cache-points.js';
import { isRejectedPrefill, PREFILL_TRAILING_WHITESPACE, type Reply } from '../responder.js';
import { contentText, type InvokeDialect, invocationMetrics, questionAndPrefill } from './invoke-dialect.js';

const malformed = (detail: string) =>
  validationError(`Malformed input request: ${detail}, please reformat your input and try again.`);

/** Anthropic's Messages API body, as Bedrock's InvokeModel takes it for Claude models. */
export const anthropicMessages: InvokeDialect = {
  parse(request, call) {
    for (const key of ['anthropic_version', 'max_tokens', 'messages']) {
      if (!(key in request)) throw malformed(`#: required key [${key}] not found`);
    }
    const maxTokens = request.max_tokens;
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
      throw malformed(`#/max_tokens: expected type: Integer, found: ${typeof maxTokens}`);
    }
    if (maxTokens > call.target.model.maxOutputTokens) {
      throw validationError(
        `max_tokens: ${maxTokens} > ${call.target.model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${call.target.model.modelId}`,
      );
    }
    const messages = request.messages;
    if (!Array.isArray(messages) || messages.length === 0)
      throw malformed('#/messages: expected minimum item count: 1');
    const texts = messages.map((message) => contentText(message?.content));
    const system = contentText(request.system);
    const { question, prefill } = questionAndPrefill(messages);
    if (isRejectedPrefill(prefill)) throw validationError(PREFILL_TRAILING_WHITESPACE);
    const toolChoice = request.tool_choice as { type?: string; name?: string } | undefined;
    const tools = Array.isArray(request.tools) ? (request.tools as { name?: string }[]) : [];
    return {
      question,
      prefill,
      inputText: [system, ...texts].filter((text) => text !== '').join('\n'),
      maxTokens,
      stopSequences: Array.isArray(request.stop_sequences) ? (request.stop_sequences as string[]) : undefined,
      outputTokens: call.target.behaviour.outputTokens,
      cachePoints: anthropicCachePoints(request),
      forcedTool:
        toolChoice?.type === 'tool'
          ? toolChoice.name
          : toolChoice?.type === 'any'
            ? tools[0]?.name
            : undefined,
    };
  },

  response(reply, call) {
    return {
      id: messageId(reply),
      type: 'message',
      role: 'assistant',
      model: modelName(call.target.model.modelId),
      content: reply.toolUse
        ? [
            {
              type: 'tool_use',
              id: reply.toolUse.toolUseId,
              name: reply.toolUse.name,
              input: reply.toolUse.input,
            },
          ]
        : [{ type: 'text', text: reply.text }],
      stop_reason: reply.stopReason,
      stop_sequence: reply.stopSequence ?? null,
      usage: { input_tokens: reply.inputTokens, output_tokens: reply.outputTokens, ...cacheUsage(reply) },
    };
  },

  chunks(reply, call) {
    const block = reply.toolUse
      ? { type: 'tool_use', id: reply.toolUse.toolUseId, name: reply.toolUse.name, input: {} }
      : { type: 'text', text: '' };
    const deltas = reply.toolUse
      ? [{ type: 'input_json_delta', partial_json: JSON.stringify(reply.toolUse.input) }]
      : reply.pieces.map((text) => ({ type: 'text_delta', text }));
    return [
      {
        payload: {
          type: 'message_start',
          message: {
            id: messageId(reply),
            type: 'message',
            role: 'assistant',
            model: modelName(call.target.model.modelId),
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: reply.inputTokens, output_tokens: 1, ...cacheUsage(reply) },
          },
        },
        content: false,
      },
      { payload: { type: 'content_block_start', index: 0, content_block: block }, content: false },
      ...deltas.map((delta) => ({
        payload: { type: 'content_block_delta', index: 0, delta },
        content: true,
      })),
      { payload: { type: 'content_block_stop', index: 0 }, content: false },
      {
        payload: {
          type: 'message_delta',
          delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence ?? null },
          usage: { output_tokens: reply.outputTokens },
        },
        content: false,
      },
      {
        payload: { type: 'message_stop', 'amazon-bedrock-invocationMetrics': invocationMetrics(reply, call) },
        content: false,
      },
    ];
  },
};

function messageId(reply: Reply): string {
  return `msg_bdrk_${Buffer.from(reply.text || reply.toolUse?.toolUseId || 'reply')
    .toString('hex')
    .slice(0, 24)}`;
}

// `anthropic.claude-3-haiku-20240307-v1:0` -> `claude-3-haiku-20240307`, as the body reports it.
function modelName(modelId: string): string {
  return modelId.replace(/^anthropic\./, '').replace(/-v\d+:\d+$/, '');
}

/** Anthropic's cache fields of `usage`, when the request has checkpoints. */
function cacheUsage(reply: Reply) {
  return (
    reply.cache && {
      cache_creation_input_tokens: reply.cache.writeTokens,
      cache_read_input_tokens: reply.cache.readTokens,
    }
  );
}
