import { testResources } from '@bedrock-ha/test-kit';
import OpenAI from 'openai';

export { CREDENTIALS, HAIKU, SIMULATOR, TOKYO } from '@bedrock-ha/test-kit';

// The server's library tests live with startServer, in @bedrock-ha/node; these are the binary's.

export const API_KEY = 'sk-test-server-0123456789';

/** Starts simulators for a test file and closes them, and whatever else is deferred, after each test. */
export function harness() {
  return testResources();
}

/** The official OpenAI client pointed at a server, without its own retries. */
export function openaiClient(url: string, apiKey = API_KEY): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 30_000 });
}
