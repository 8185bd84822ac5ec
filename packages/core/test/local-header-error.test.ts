import { describe, expect, it } from 'vitest';
import { type BedrockHA, RequestNotSentError } from '../src/index.js';
import {
  attemptRows,
  HAIKU,
  harness,
  recordEvents,
  rejection,
  requestCount,
  userMessage,
} from './harness.js';

// No timer check here: when Node's http.request throws on a header, smithy's NodeHttpHandler
// (4.14) rejects without clearing its socket-warning timer, which then runs out on its own.
const { simulator, engine } = harness();

const breakers = (ha: BedrockHA) => ha.health().map((health) => health.breaker);

describe('a request header Node refuses to send', () => {
  it('is a local request error on InvokeModel: no failover, no breaker count', async () => {
    const sim = await simulator();
    const ha = engine(sim, {
      chains: {
        haiku: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
          policy: {
            breaker: {
              mode: 'consecutive',
              failures: 1,
              halfOpenAfterMs: 60_000,
              maxHalfOpenAfterMs: 60_000,
            },
          },
        },
      },
    });
    const events = recordEvents(ha);
    const body = new TextEncoder().encode(
      JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 10,
        messages: userMessage('hi'),
      }),
    );
    const error = await rejection(
      ha.invokeModel('haiku', { body, contentType: 'application/json\r\nx-injected: 1' }),
    );
    expect(error).toBeInstanceOf(RequestNotSentError);
    const { attempts } = error as RequestNotSentError;
    expect(attemptRows(attempts)).toEqual([['east', 'failure', 'local-error']]);
    expect(attempts[0]?.errorCode).toBe('ERR_INVALID_CHAR');
    expect(breakers(ha)).toEqual(['closed', 'closed']);
    expect(events.failovers).toEqual([]);
    expect(requestCount(sim)).toBe(0);
  });
});
