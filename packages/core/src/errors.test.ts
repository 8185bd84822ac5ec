import { describe, expect, it } from 'vitest';
import {
  AttemptTimeoutError,
  DeadlineExceededError,
  FirstTokenTimeoutError,
  StreamIdleTimeoutError,
} from './errors.js';

// A timeout capped by what is left of a deadline is fractional (8000 - 0.82...): messages, which
// end up in logs, show whole milliseconds; the fields keep the exact value.
describe('timeout messages', () => {
  it('round fractional milliseconds', () => {
    const attempt = new AttemptTimeoutError(7999.179673000001);
    expect(attempt.message).toBe('The attempt timed out after 7999 ms');
    expect(attempt.timeoutMs).toBe(7999.179673000001);
    expect(new FirstTokenTimeoutError(1500.4).message).toBe(
      "No content arrived within 1500 ms of the stream's start",
    );
    expect(new StreamIdleTimeoutError(250.6).message).toBe('The stream sent nothing for 251 ms');
    expect(new DeadlineExceededError('main', 2999.7, []).message).toBe(
      'Chain "main" did not answer within its 3000 ms deadline',
    );
  });
});
