// Loaded on the first chat completion (openai-routes.ts), not at start-up: a Lambda's cold init
// compiles neither these schemas nor zod.
// A namespace import: bundlers (esbuild, for the Lambda) then keep only the zod parts used here;
// `import { z }` makes them keep all of zod, its ~40 locales included (a third of a MB).
import * as z from 'zod';

/** OpenAI's `response_format`: `text`, `json_object`, or `json_schema` with a named schema. */
export const responseFormat = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('text') }),
    z.strictObject({ type: z.literal('json_object') }),
    z.strictObject({
      type: z.literal('json_schema'),
      json_schema: z.strictObject({
        name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, {
          error: 'must be 1 to 64 letters, digits, underscores or dashes',
        }),
        description: z.string().nullish(),
        schema: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      }),
    }),
  ],
  {
    error:
      'must be { "type": "text" }, { "type": "json_object" } or { "type": "json_schema", "json_schema": {...} }',
  },
);

/** A validated `response_format`. */
export type ResponseFormat = z.infer<typeof responseFormat>;

// Content parts are checked while mapping (openai-request.ts), where each unsupported type gets its own fix.
const content = z.union([z.string(), z.array(z.looseObject({ type: z.string() }))], {
  error: 'must be a string or an array of content parts ({ "type": "text", "text": "..." })',
});

// Messages and tool calls drop keys they do not know (`z.object`), unlike the request itself:
// clients send back the assistant message they were given, with `annotations`, `audio: null`,
// `function_call: null` or openai-node's `parsed` and `parsed_arguments`, and a tool loop must not
// break on them. The two that carry meaning Bedrock cannot take are rejected when set.
const toolCall = z.object({
  id: z.string(),
  type: z.literal('function', { error: 'must be "function": only function tools map to Bedrock' }),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.enum(['system', 'developer']), content, name: z.string().nullish() }),
    z.object({ role: z.literal('user'), content, name: z.string().nullish() }),
    z.object({
      role: z.literal('assistant'),
      content: content.nullish(),
      name: z.string().nullish(),
      refusal: z.string().nullish(),
      tool_calls: z.array(toolCall).nullish(),
      audio: z
        .null({ error: 'must be null: Bedrock cannot replay audio; send its transcript as `content`' })
        .optional(),
      function_call: z
        .null({ error: 'must be null: function calls are deprecated; send them as `tool_calls`' })
        .optional(),
    }),
    z.object({ role: z.literal('tool'), content, tool_call_id: z.string() }),
  ],
  {
    error:
      'must be "system", "developer", "user", "assistant" or "tool" ("function" messages are deprecated: send tool messages)',
  },
);

const tool = z.strictObject({
  type: z.literal('function', { error: 'must be "function": only function tools map to Bedrock' }),
  function: z.strictObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union(
  [
    z.enum(['auto', 'required', 'none']),
    z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string() }) }),
  ],
  { error: 'must be "auto", "required", "none" or { "type": "function", "function": { "name": "..." } }' },
);

const unsupported = (fix: string) => z.never({ error: `is not supported: ${fix}` });

/**
 * The OpenAI chat completion request this gateway accepts. Strict: a field it cannot honour is a
 * 400 naming it, as OpenAI does for an unknown argument, rather than silently ignored. Every
 * optional field also takes an explicit `null`, which means "absent", as OpenAI's API does.
 */
export const chatCompletionRequest = z.strictObject({
  model: z.string({
    error: "must be a string naming one of the gateway's chains (GET /v1/models lists them)",
  }),
  messages: z.array(message).min(1, { error: 'must contain at least one message' }),
  temperature: z.number().min(0, { error: 'must be at least 0' }).nullish(),
  top_p: z
    .number()
    .min(0, { error: 'must be between 0 and 1' })
    .max(1, { error: 'must be between 0 and 1' })
    .nullish(),
  max_tokens: z.int().positive({ error: 'must be a positive integer' }).nullish(),
  max_completion_tokens: z.int().positive({ error: 'must be a positive integer' }).nullish(),
  stop: z
    .union([z.string(), z.array(z.string())], { error: 'must be a string or an array of strings' })
    .nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  n: z
    .literal(1, { error: 'must be 1: Bedrock returns one choice; send separate requests for more' })
    .nullish(),
  logprobs: z.literal(false, { error: 'must be false: Bedrock does not return log probabilities' }).nullish(),
  top_logprobs: unsupported('Bedrock does not return log probabilities; remove it').nullish(),
  presence_penalty: z
    .literal(0, { error: 'must be 0: Bedrock has no presence penalty; remove it' })
    .nullish(),
  frequency_penalty: z
    .literal(0, { error: 'must be 0: Bedrock has no frequency penalty; remove it' })
    .nullish(),
  logit_bias: unsupported('Bedrock has no logit bias; remove it').nullish(),
  response_format: responseFormat.nullish(),
  modalities: z
    .array(z.literal('text', { error: 'must be "text": this gateway returns text only' }))
    .nullish(),
  audio: unsupported('this gateway returns text only; remove it').nullish(),
  prediction: unsupported('Bedrock has no predicted outputs; remove it').nullish(),
  // Affinity keys (without an x-session-id header): the prompt cache's key, else the end user.
  prompt_cache_key: z.string().nullish(),
  user: z.string().nullish(),
  // Accepted and ignored: they steer OpenAI's own service, not the answer.
  metadata: z.record(z.string(), z.string()).nullish(),
  store: z.boolean().nullish(),
  seed: z.int().nullish(),
  // priority, default and flex become Bedrock's service tier; others (auto, scale) are ignored.
  service_tier: z.string().nullish(),
  parallel_tool_calls: z.boolean().nullish(),
});

/** A validated chat completion request. */
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;
/** One message of a chat completion request. */
export type ChatMessage = ChatCompletionRequest['messages'][number];
