import OpenAI from 'openai';
import type { Gateway } from '../src/index.js';
import { API_KEY } from './harness.js';

/** The real `openai` client with `gateway.handle()` as its fetch: no socket, the client's own parsing. */
export function openaiClient(gateway: Gateway): OpenAI {
  return new OpenAI({
    apiKey: API_KEY,
    baseURL: 'http://gateway.invalid/v1',
    maxRetries: 0,
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers = Object.fromEntries(new Headers(init?.headers).entries());
      const response = await gateway.handle({
        method: init?.method ?? 'GET',
        path: url.pathname,
        headers,
        body: typeof init?.body === 'string' ? init.body : undefined,
        ...(init?.signal && { signal: init.signal }),
      });
      const body =
        typeof response.body === 'string' || response.body instanceof Uint8Array
          ? response.body
          : ReadableStream.from(response.body);
      return new Response(body as ConstructorParameters<typeof Response>[0], {
        status: response.status,
        headers: response.headers,
      });
    },
  });
}
