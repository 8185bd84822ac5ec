import { invalidRequest } from './failure.js';

/**
 * How deeply the JSON the gateway passes through to Bedrock untouched (tool schemas, tool call
 * arguments, tool results, `additionalModelRequestFields`) may nest objects and arrays. The AWS
 * SDK's serializer overflows the stack at about 2,000 levels (fewer on a deeper call stack);
 * real JSON schemas and tool arguments stay well under 100.
 */
export const MAX_JSON_DEPTH = 100;

/** Throws a 400 naming `path` when `value` nests objects and arrays deeper than the limit. */
export function checkJsonDepth(value: unknown, path: string, limit = MAX_JSON_DEPTH): void {
  // Iterative: a recursive walk would overflow on the very input it exists to refuse.
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > limit) throw tooDeep(path, limit);
    for (const member of Array.isArray(item) ? item : Object.values(item)) pending.push([member, depth + 1]);
  }
}

/** {@link checkJsonDepth} of JSON text (a tool call's `arguments`), without parsing it. */
export function checkJsonTextDepth(text: string, path: string, limit = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (++depth > limit) throw tooDeep(path, limit);
    } else if (char === '}' || char === ']') depth--;
  }
}

function tooDeep(path: string, limit: number) {
  return invalidRequest(
    `\`${path}\` nests objects and arrays more than ${limit} levels deep, the gateway's limit for JSON it passes to Bedrock; flatten it (a JSON schema can share definitions through $defs and $ref).`,
    path,
    'json_too_deep',
  );
}

type Loose = Record<string, unknown> | undefined;

const records = (value: unknown): Loose[] =>
  Array.isArray(value)
    ? value.map((item) => (typeof item === 'object' && item !== null ? item : undefined))
    : [];

/**
 * Checks the pass-through JSON of an OpenAI chat completion body (parsed, not yet validated):
 * `tools[].function.parameters`, `messages[].tool_calls[].function.arguments` and
 * `response_format.json_schema.schema`.
 */
export function checkChatCompletionDepth(body: unknown): void {
  const request = body as Loose;
  if (typeof request !== 'object' || request === null) return;
  records(request.tools).forEach((tool, index) => {
    const definition = tool?.function as Loose;
    checkJsonDepth(definition?.parameters, `tools[${index}].function.parameters`);
  });
  records(request.messages).forEach((message, index) => {
    records(message?.tool_calls).forEach((call, callIndex) => {
      const args = (call?.function as Loose)?.arguments;
      const path = `messages[${index}].tool_calls[${callIndex}].function.arguments`;
      if (typeof args === 'string') checkJsonTextDepth(args, path);
      else checkJsonDepth(args, path);
    });
  });
  const format = request.response_format as Loose;
  checkJsonDepth((format?.json_schema as Loose)?.schema, 'response_format.json_schema.schema');
}

/**
 * Checks the pass-through JSON of a Converse request body (Bedrock's wire shape, parsed):
 * `toolConfig.tools[].toolSpec.inputSchema.json`, `messages[].content[].toolUse.input`,
 * `messages[].content[].toolResult.content[].json` and `additionalModelRequestFields`. Call it
 * before anything that recurses into the body (`structuredClone`, `JSON.stringify`).
 *
 * @throws an error whose message names the field and the limit ({@link MAX_JSON_DEPTH} levels).
 */
export function checkConverseDepth(body: unknown): void {
  const request = body as Loose;
  if (typeof request !== 'object' || request === null) return;
  records((request.toolConfig as Loose)?.tools).forEach((tool, index) => {
    const schema = ((tool?.toolSpec as Loose)?.inputSchema as Loose)?.json;
    checkJsonDepth(schema, `toolConfig.tools[${index}].toolSpec.inputSchema.json`);
  });
  records(request.messages).forEach((message, index) => {
    records(message?.content).forEach((block, blockIndex) => {
      const at = `messages[${index}].content[${blockIndex}]`;
      checkJsonDepth((block?.toolUse as Loose)?.input, `${at}.toolUse.input`);
      records((block?.toolResult as Loose)?.content).forEach((result, resultIndex) => {
        checkJsonDepth(result?.json, `${at}.toolResult.content[${resultIndex}].json`);
      });
    });
  });
  checkJsonDepth(request.additionalModelRequestFields, 'additionalModelRequestFields');
}
