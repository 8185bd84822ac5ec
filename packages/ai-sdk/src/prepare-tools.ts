import type { LanguageModelV4CallOptions, SharedV4Warning } from '@ai-sdk/provider';
import type { Tool, ToolChoice, ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';

/**
 * The call's function tools and tool choice as a Converse `toolConfig`. Provider tools are left
 * out with a warning. Converse has no "none" choice: the tools are then left out, unless the
 * conversation already holds tool calls or results (Converse needs a `toolConfig` for those), in
 * which case they stay, on `auto`, with a warning.
 */
export function prepareTools(
  options: Pick<LanguageModelV4CallOptions, 'tools' | 'toolChoice'>,
  hasToolContent: boolean,
  warnings: SharedV4Warning[],
): ToolConfiguration | undefined {
  const tools: Tool[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === 'provider') {
      warnings.push({ type: 'unsupported', feature: `provider tool ${tool.id}` });
      continue;
    }
    tools.push({
      toolSpec: {
        name: tool.name,
        ...(tool.description !== undefined && tool.description !== '' && { description: tool.description }),
        inputSchema: { json: tool.inputSchema as never },
      },
    });
  }
  if (tools.length === 0) return undefined;

  const choice = options.toolChoice;
  let toolChoice: ToolChoice | undefined;
  switch (choice?.type) {
    case undefined:
    case 'auto':
      toolChoice = { auto: {} };
      break;
    case 'required':
      toolChoice = { any: {} };
      break;
    case 'tool':
      toolChoice = { tool: { name: choice.toolName } };
      break;
    case 'none':
      if (!hasToolContent) return undefined;
      warnings.push({
        type: 'compatibility',
        feature: 'toolChoice "none"',
        details:
          'Converse has no "none" tool choice; the tools are sent with "auto" because the conversation holds tool calls.',
      });
      toolChoice = { auto: {} };
      break;
  }
  return { tools, toolChoice };
}
