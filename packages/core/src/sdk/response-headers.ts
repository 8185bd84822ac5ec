import type {
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';

/**
 * The `x-amzn-bedrock-*` headers of a response, names in lower case. InvokeModel's answer carries
 * `x-amzn-bedrock-input-token-count`, `x-amzn-bedrock-output-token-count` and
 * `x-amzn-bedrock-invocation-latency` there, which the SDK's output has no field for; a gateway
 * in front of Bedrock passes them on so its callers (boto3's `ResponseMetadata.HTTPHeaders`) see them.
 */
export type BedrockResponseHeaders = Readonly<Record<string, string>>;

/** What a command's output gains from {@link recordResponseHeaders}. */
export interface WithResponseHeaders {
  /** The response's `x-amzn-bedrock-*` headers (see {@link BedrockResponseHeaders}). */
  readonly responseHeaders?: BedrockResponseHeaders;
}

const PREFIX = 'x-amzn-bedrock-';

/** A response's `x-amzn-bedrock-*` headers, names in lower case. */
export function bedrockHeaders(headers: Readonly<Record<string, unknown>>): BedrockResponseHeaders {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith(PREFIX) && typeof value === 'string') picked[lower] = value;
  }
  return picked;
}

/**
 * Adds a middleware to one command that copies its response's `x-amzn-bedrock-*` headers onto the
 * output as `responseHeaders`. Per command, not per client, so a caller's own client factory keeps
 * working. At the build step: outside deserialisation, where the raw response is still at hand.
 */
export function recordResponseHeaders<C extends InvokeModelCommand | InvokeModelWithResponseStreamCommand>(
  command: C,
): C {
  type Next = (args: unknown) => Promise<{ output: unknown; response: unknown }>;
  // The two commands' stacks differ only in their output types, which this middleware does not read.
  (command.middlewareStack as unknown as { add(middleware: unknown, options: object): void }).add(
    (next: Next) => async (args: unknown) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string> } | undefined)?.headers;
      if (headers && typeof result.output === 'object' && result.output !== null)
        (result.output as { responseHeaders?: BedrockResponseHeaders }).responseHeaders =
          bedrockHeaders(headers);
      return result;
    },
    { step: 'build', name: 'bedrockHaResponseHeaders' },
  );
  return command;
}
