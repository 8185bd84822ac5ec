import { expect } from 'vitest';
import { parsePrometheusText } from './prometheus-text.js';
import { TOKYO } from './simulator-setup.js';

/** The part of the official OpenAI client that {@link chatTraffic} uses. */
export interface ChatCompletionsClient {
  readonly chat: {
    readonly completions: {
      create(body: {
        model: string;
        messages: { role: 'user'; content: string }[];
      }): PromiseLike<{ choices: { message: { content: string | null } }[] }>;
    };
  };
}

/**
 * Sends `count` chat completions of the AWS sample's prompt to chain `chain`, one after the other,
 * and checks each is answered "Tokyo" (the simulator's answer), whichever endpoint served it.
 */
export async function chatTraffic(
  openai: ChatCompletionsClient,
  count: number,
  chain = 'chat',
): Promise<void> {
  for (let index = 0; index < count; index++) {
    const answer = await openai.chat.completions.create({
      model: chain,
      messages: [{ role: 'user', content: TOKYO }],
    });
    expect(answer.choices[0]?.message.content).toBe('Tokyo');
  }
}

/**
 * Scrapes a Prometheus endpoint as Prometheus does: checks it answers 200 in the text format
 * (version 0.0.4), and parses what it exports.
 */
export async function scrapeMetrics(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  return { text, ...parsePrometheusText(text) };
}
