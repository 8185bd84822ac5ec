import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  type ContentBlock,
  type ConverseStreamOutput,
  type Message,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach } from 'vitest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../src/index.js';

/** Static fake credentials: the simulator reads only the region from the SigV4 scope. */
export const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const NOVA = 'amazon.nova-micro-v1:0';
/** Served only through inference profiles and Provisioned Throughput. */
export const SONNET_3_7 = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
export const SONNET_4 = 'anthropic.claude-sonnet-4-20250514-v1:0';
/** The seed sample's prompt; the simulator's answer table says "Tokyo". */
export const TOKYO_PROMPT = 'what is the largest city in the world? only give the answer with no details';

/** How a test wants its client built. */
export interface ClientOptions {
  /** Use HTTP/1.1 (`NodeHttpHandler`) instead of the default h2c. */
  http1?: boolean;
  /** SDK attempts; 1 (no retries) unless a test is about SDK retries. */
  maxAttempts?: number;
  /** Request timeout of the request handler (ms). */
  requestTimeout?: number;
  /** Sign with a bearer token instead of SigV4, as `AWS_BEARER_TOKEN_BEDROCK` does. */
  token?: string;
}

/** Both transports the runtime client can use, for `describe.each`. */
export const TRANSPORTS = [
  { transport: 'HTTP/2', http1: false },
  { transport: 'HTTP/1.1', http1: true },
] as const;

/** A real `BedrockRuntimeClient` pointed at the simulator, signing for `region`. */
export function runtimeClient(
  sim: Pick<Simulator, 'url'>,
  region: string,
  options: ClientOptions = {},
): BedrockRuntimeClient {
  const config: BedrockRuntimeClientConfig = {
    region,
    endpoint: sim.url,
    credentials: CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 1,
  };
  if (options.http1) {
    // Without throwOnRequestTimeout, NodeHttpHandler only logs a warning when requestTimeout passes.
    config.requestHandler = new NodeHttpHandler(
      options.requestTimeout === undefined
        ? {}
        : { requestTimeout: options.requestTimeout, throwOnRequestTimeout: true },
    );
  } else if (options.requestTimeout !== undefined) {
    config.requestHandler = { requestTimeout: options.requestTimeout };
  }
  if (options.token !== undefined) {
    config.token = { token: options.token };
    config.authSchemePreference = ['httpBearerAuth'];
  }
  return new BedrockRuntimeClient(config);
}

/**
 * Starts simulators for the current test file and closes every one of them after each test, so a
 * failing assertion never leaves a server running.
 */
export function simulators(): (options?: SimulatorOptions) => Promise<Simulator> {
  const running: Simulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((sim) => sim.close()));
  });
  return async (options) => {
    const sim = await startSimulator(options);
    running.push(sim);
    return sim;
  };
}

/** Converse `messages` with one user turn. */
export function userMessage(text: string): Message[] {
  return [{ role: 'user', content: [{ text }] }];
}

/** Converse `messages` with one user turn and the start of the answer as an assistant prefill. */
export function prefilledMessages(text: string, prefill: string): Message[] {
  return [...userMessage(text), { role: 'assistant', content: [{ text: prefill }] }];
}

/** An Anthropic Messages body whose final assistant turn is a prefill (plain-string content). */
export function prefilledAnthropicBody(text: string, prefill: string): string {
  return anthropicBody(text, {
    messages: [
      { role: 'user', content: [{ type: 'text', text }] },
      { role: 'assistant', content: prefill },
    ],
  });
}

/** The first `count` space-separated words of a text: a prefill without trailing white space. */
export function firstWords(text: string, count: number): string {
  return text.split(' ').slice(0, count).join(' ');
}

/** The text of a Converse answer's content blocks. */
export function textOf(content: ContentBlock[] | undefined): string {
  return (content ?? []).map((block) => block.text ?? '').join('');
}

/** An Anthropic Messages body for InvokeModel. */
export function anthropicBody(text: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 512,
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
    ...extra,
  });
}

/** An Amazon Nova `messages-v1` body for InvokeModel. */
export function novaBody(text: string, inferenceConfig: Record<string, unknown> = {}): string {
  return JSON.stringify({ messages: [{ role: 'user', content: [{ text }] }], inferenceConfig });
}

/** The name of a ConverseStream event (`messageStart`, `contentBlockDelta`, ...). */
export function eventName(event: ConverseStreamOutput | ResponseStream): string {
  return Object.keys(event).find((key) => key !== '$unknown') ?? '$unknown';
}

/** Decodes the model's native JSON chunks of an InvokeModelWithResponseStream. */
export function decodeChunk(event: ResponseStream): Record<string, unknown> {
  if (!event.chunk?.bytes) throw new Error(`not a chunk: ${JSON.stringify(event)}`);
  return JSON.parse(new TextDecoder().decode(event.chunk.bytes)) as Record<string, unknown>;
}

/**
 * Reads a stream to its end, keeping what arrived before it ended or failed: the events, and
 * the error the `for await` loop threw, if any.
 */
export async function drain<T>(
  stream: AsyncIterable<T> | undefined,
): Promise<{ events: T[]; error?: unknown }> {
  const events: T[] = [];
  if (!stream) throw new Error('the output has no stream');
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events };
}

/** What the SDK's errors carry, modelled or not. */
export interface SdkError extends Error {
  code?: string;
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * Tokens as the simulator counts them, approximated independently: words and punctuation marks.
 */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}'_-]+|[^\p{L}\p{N}\s]/gu)?.length ?? 0;
}
