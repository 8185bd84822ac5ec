import type { BedrockHA, EndpointRef } from '@bedrock-ha/core';
import type { DemoCut } from './demo-recorder.js';
import { DEMO_CHAIN, DEMO_MAX_TOKENS } from './demo-setup.js';

/** What one demo request got back. */
export interface DemoAnswer {
  readonly servedBy: EndpointRef;
  readonly text: string;
  readonly attempts: number;
  readonly cuts: readonly DemoCut[];
}

/** Sends one request through the demo chain: Converse, or ConverseStream with `stream`. */
export async function ask(
  ha: BedrockHA,
  prompt: string,
  stream: boolean,
  signal: AbortSignal,
): Promise<DemoAnswer> {
  const messages = [{ role: 'user' as const, content: [{ text: prompt }] }];
  if (!stream) {
    const inferenceConfig = { maxTokens: DEMO_MAX_TOKENS.converse };
    const result = await ha.converse(DEMO_CHAIN, { messages, inferenceConfig }, { signal });
    const text = result.output?.message?.content?.[0]?.text ?? '';
    return { servedBy: result.servedBy, text, attempts: result.attempts.length, cuts: [] };
  }
  const inferenceConfig = { maxTokens: DEMO_MAX_TOKENS.stream };
  const result = await ha.converseStream(DEMO_CHAIN, { messages, inferenceConfig }, { signal });
  let text = '';
  const cuts: DemoCut[] = [];
  let serving = result.servedBy;
  for await (const event of result.stream) {
    // `servedBy` follows the stream: when it changes, the stream broke and resumed elsewhere,
    // and everything received so far came from the endpoint that broke.
    const now = result.servedBy;
    if (now.endpointId !== serving.endpointId) {
      cuts.push({ endpoint: serving, partialText: text });
      serving = now;
    }
    text += event.contentBlockDelta?.delta?.text ?? '';
  }
  return { servedBy: result.servedBy, text, attempts: result.attempts.length, cuts };
}
