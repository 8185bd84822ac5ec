import type {
  LanguageModelV4FilePart,
  LanguageModelV4Prompt,
  LanguageModelV4ToolResultOutput,
  SharedV4ProviderOptions,
  SharedV4Warning,
} from '@ai-sdk/provider';
import { UnsupportedFunctionalityError } from '@ai-sdk/provider';
import type {
  ContentBlock,
  DocumentFormat,
  ImageFormat,
  Message,
  SystemContentBlock,
  ToolResultContentBlock,
  VideoFormat,
} from '@aws-sdk/client-bedrock-runtime';

/** The AI SDK prompt as Converse `system` and `messages`. */
export interface ConverseMessages {
  readonly system: SystemContentBlock[];
  readonly messages: Message[];
  /** Whether any message holds a tool call or result (Converse then needs a `toolConfig`). */
  readonly hasToolContent: boolean;
}

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
const DOCUMENT_FORMATS: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};
const VIDEO_FORMATS: Record<string, VideoFormat> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/x-matroska': 'mkv',
  'video/webm': 'webm',
  'video/x-flv': 'flv',
  'video/mpeg': 'mpeg',
  'video/x-ms-wmv': 'wmv',
  'video/3gpp': 'three_gp',
};

/**
 * Converts the AI SDK's prompt to Converse messages: system messages to `system`, tool messages to
 * user turns of `toolResult` blocks, and consecutive turns of one role merged (Converse wants
 * turns to alternate). `providerOptions.bedrockHa.cachePoint` on a message appends a cache point.
 */
export function convertToConverseMessages(
  prompt: LanguageModelV4Prompt,
  warnings: SharedV4Warning[],
): ConverseMessages {
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  let hasToolContent = false;
  let documents = 0;

  const push = (role: 'user' | 'assistant', content: ContentBlock[], options?: SharedV4ProviderOptions) => {
    if (hasCachePoint(options)) content.push({ cachePoint: { type: 'default' } });
    if (content.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role) last.content?.push(...content);
    else messages.push({ role, content });
  };

  const fileBlock = (part: LanguageModelV4FilePart): ContentBlock => {
    documents += 1;
    return convertFile(part, documents);
  };

  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        system.push({ text: message.content });
        if (hasCachePoint(message.providerOptions)) system.push({ cachePoint: { type: 'default' } });
        break;
      case 'user':
        push(
          'user',
          message.content.map((part) => (part.type === 'text' ? { text: part.text } : fileBlock(part))),
          message.providerOptions,
        );
        break;
      case 'assistant': {
        const content: ContentBlock[] = [];
        for (const part of message.content) {
          if (part.type === 'text') {
            // Bedrock rejects blank text blocks; a step that only called a tool leaves one.
            if (part.text.trim() !== '') content.push({ text: part.text });
          } else if (part.type === 'reasoning') {
            const signature = stringOption(part.providerOptions, 'signature');
            if (signature === undefined) {
              warnings.push({
                type: 'other',
                message:
                  'an assistant reasoning part without providerOptions.bedrockHa.signature was left out',
              });
            } else content.push({ reasoningContent: { reasoningText: { text: part.text, signature } } });
          } else if (part.type === 'tool-call') {
            hasToolContent = true;
            content.push({
              toolUse: { toolUseId: part.toolCallId, name: part.toolName, input: part.input as never },
            });
          } else if (part.type === 'file') {
            content.push(fileBlock(part));
          } else {
            throw new UnsupportedFunctionalityError({
              functionality: `assistant content of type "${part.type}"`,
            });
          }
        }
        push('assistant', content, message.providerOptions);
        break;
      }
      case 'tool': {
        const content: ContentBlock[] = [];
        for (const part of message.content) {
          if (part.type !== 'tool-result') {
            throw new UnsupportedFunctionalityError({
              functionality: `tool message content of type "${part.type}"`,
            });
          }
          hasToolContent = true;
          const { content: result, status } = convertToolResult(part.output);
          content.push({
            toolResult: { toolUseId: part.toolCallId, content: result, ...(status && { status }) },
          });
        }
        push('user', content, message.providerOptions);
        break;
      }
    }
  }
  return { system, messages, hasToolContent };
}

function convertToolResult(output: LanguageModelV4ToolResultOutput): {
  content: ToolResultContentBlock[];
  status?: 'error';
} {
  switch (output.type) {
    case 'text':
      return { content: [{ text: output.value }] };
    case 'json':
      return { content: [{ json: output.value as never }] };
    case 'error-text':
      return { content: [{ text: output.value }], status: 'error' };
    case 'error-json':
      return { content: [{ json: output.value as never }], status: 'error' };
    case 'execution-denied':
      return { content: [{ text: output.reason ?? 'The tool call was denied.' }], status: 'error' };
    case 'content':
      return {
        content: output.value.map((part): ToolResultContentBlock => {
          if (part.type === 'text') return { text: part.text };
          if (part.type === 'file') {
            const block = convertFile({ type: 'file', data: part.data, mediaType: part.mediaType }, 1);
            if (block.image) return { image: block.image };
            if (block.document) return { document: block.document };
          }
          throw new UnsupportedFunctionalityError({
            functionality: `tool result content of type "${part.type}"`,
          });
        }),
      };
  }
}

/** An image, document or video block; bytes inline, or an `s3://` location. */
function convertFile(part: LanguageModelV4FilePart, index: number): ContentBlock {
  const mediaType = part.mediaType.toLowerCase();
  const { data } = part;
  let source: { bytes: Uint8Array } | { s3Location: { uri: string } };
  if (data.type === 'data') {
    source = { bytes: typeof data.data === 'string' ? Buffer.from(data.data, 'base64') : data.data };
  } else if (data.type === 'url' && data.url.protocol === 's3:') {
    source = { s3Location: { uri: data.originalUrl ?? data.url.href } };
  } else if (data.type === 'text') {
    source = { bytes: Buffer.from(data.text, 'utf8') };
  } else {
    throw new UnsupportedFunctionalityError({
      functionality: `file data of type "${data.type}" (pass bytes, base64 or an s3:// URL)`,
    });
  }
  const image = IMAGE_FORMATS[mediaType];
  if (image) return { image: { format: image, source } };
  const video = VIDEO_FORMATS[mediaType];
  if (video) return { video: { format: video, source } };
  const document = DOCUMENT_FORMATS[mediaType] ?? (data.type === 'text' ? 'txt' : undefined);
  if (document) return { document: { format: document, name: documentName(part.filename, index), source } };
  throw new UnsupportedFunctionalityError({
    functionality: `file media type "${part.mediaType}" (Converse takes ${[
      ...Object.keys(IMAGE_FORMATS),
      ...Object.keys(DOCUMENT_FORMATS),
      ...Object.keys(VIDEO_FORMATS),
    ].join(', ')})`,
  });
}

// Converse document names may hold only letters, digits, white space, hyphens, parentheses and
// square brackets, with no two white-space characters in a row.
function documentName(filename: string | undefined, index: number): string {
  const base = filename?.replace(/\.[^.]*$/, '') ?? '';
  const cleaned = base
    .replace(/[^A-Za-z0-9\s\-()[\]]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned === '' ? `document-${index}` : cleaned;
}

function hasCachePoint(options: SharedV4ProviderOptions | undefined): boolean {
  return options?.bedrockHa?.cachePoint !== undefined;
}

function stringOption(options: SharedV4ProviderOptions | undefined, name: string): string | undefined {
  const value = options?.bedrockHa?.[name];
  return typeof value === 'string' ? value : undefined;
}
