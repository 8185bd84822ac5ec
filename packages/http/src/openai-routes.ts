import { unknownChain } from './failure.js';
import { checkChatCompletionDepth } from './json-depth.js';
import { toConverseInput } from './openai-request.js';
import { modelList, toChatCompletion } from './openai-response.js';
import { answerToolAsText, answerToolEventsAsText, withResponseFormat } from './openai-response-format.js';
import { chatCompletionChunks } from './openai-stream.js';
import { parseJsonBody, validateBody } from './request-body.js';
import type { RouteHandler } from './routes.js';
import { streamBody, upstreamOf } from './stream-body.js';
import { chainSupportsNativeStructuredOutput } from './structured-output-models.js';

// The request schema, and zod with it, loads on the first chat completion rather than at start-up:
// a Lambda's cold init then compiles neither, and Bedrock-native routes never load them. Kept once
// loaded, so later requests do not wait a turn on the import's promise.
let schema: typeof import('./openai-schema.js') | undefined;

/** `POST /v1/chat/completions`: OpenAI's chat completions over a chain named by `model`. */
export const chatCompletions: RouteHandler = async (context) => {
  const body = parseJsonBody(context.request.body);
  checkChatCompletionDepth(body);
  schema ??= await import('./openai-schema.js');
  const request = validateBody(schema.chatCompletionRequest, body);
  const chain = request.model;
  context.chain = chain;
  if (!context.ha.chains.includes(chain)) throw unknownChain(chain, context.ha.chains, 'model');
  const format = request.response_format;
  const native = format?.type === 'json_schema' && chainSupportsNativeStructuredOutput(context.ha, chain);
  const { input, structured } = withResponseFormat(toConverseInput(request), format, native);
  const options = context.engineOptions(request.prompt_cache_key || request.user);
  if (!request.stream) {
    const result = await context.ha.converse(chain, input, options);
    return {
      status: 200,
      headers: context.answerHeaders(result, 'application/json'),
      body: JSON.stringify(toChatCompletion(answerToolAsText(result, structured), chain)),
    };
  }
  const result = await context.ha.converseStream(chain, input, options);
  const upstream = answerToolEventsAsText(upstreamOf(result.stream), structured);
  const chunks = chatCompletionChunks({
    model: chain,
    includeUsage: request.stream_options?.include_usage === true,
    ...(context.request.signal && { signal: context.request.signal }),
  });
  return {
    status: 200,
    headers: {
      ...context.headers(false),
      ...context.served(result),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    },
    body: streamBody(upstream, chunks, context.deferLog()),
  };
};

/** `GET /v1/models`: the chains, as OpenAI models. */
export const models: RouteHandler = (context) => ({
  status: 200,
  headers: { ...context.headers(false), 'content-type': 'application/json' },
  body: JSON.stringify(modelList(context.ha.chains)),
});
