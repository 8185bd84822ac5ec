import type { FoundationModel } from '../catalog.js';
import { validationError } from '../errors.js';

/**
 * The JSON Schema of a Converse request's `outputConfig.textFormat`, validated as Bedrock
 * validates it: `type` is `json_schema`, `structure.jsonSchema.schema` is JSON text of an object,
 * and the model supports structured output. `undefined` when the request asks for none.
 */
export function textFormatSchemaOf(
  request: Record<string, unknown>,
  model: FoundationModel,
): object | undefined {
  const outputConfig = request.outputConfig as { textFormat?: unknown } | undefined;
  const format = outputConfig?.textFormat as
    | { type?: unknown; structure?: { jsonSchema?: { schema?: unknown } } }
    | undefined;
  if (format === undefined) return undefined;
  // Wording modelled on Bedrock's other validation messages; the real text is unverified.
  if (!model.structuredOutput) {
    throw validationError(
      `The model ${model.modelId} does not support structured outputs (outputConfig.textFormat). Remove outputConfig.textFormat, or use a model that supports it.`,
    );
  }
  if (format.type !== 'json_schema') {
    throw validationError('outputConfig.textFormat.type: must be one of [json_schema]');
  }
  const text = format.structure?.jsonSchema?.schema;
  let schema: unknown;
  try {
    schema = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    schema = undefined;
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw validationError(
      'outputConfig.textFormat.structure.jsonSchema.schema: must be a JSON Schema object, as JSON text',
    );
  }
  return schema;
}

/** The `inputSchema.json` of the tool named `name` in a Converse `toolConfig`, if it has one. */
export function toolInputSchemaOf(toolConfig: unknown, name: string | undefined): object | undefined {
  if (name === undefined) return undefined;
  const tools = (
    toolConfig as { tools?: { toolSpec?: { name?: string; inputSchema?: { json?: unknown } } }[] }
  )?.tools;
  const json = tools?.find((tool) => tool.toolSpec?.name === name)?.toolSpec?.inputSchema?.json;
  return typeof json === 'object' && json !== null ? json : undefined;
}
