import { isBrokenCircuitError, isBulkheadRejectedError } from 'cockatiel';
import type { Classification, FailureReason } from '../policies/error-classification.js';
import { awsRequestId } from '../telemetry/aws-request-id.js';
import { AttemptLease } from './attempt-lease.js';
import { callThroughPolicies } from './attempt-policies.js';
import { AttemptRecord } from './attempt-record.js';
import {
  type EndpointAnswer,
  type RunnerContext,
  type RunnerRequest,
  type Step,
  throwIfCancelled,
} from './chain-request.js';
import type { Endpoint } from './endpoint.js';

/** How one attempt ended, once recorded. */
export type AttemptResult<T> =
  | { readonly answer: Omit<EndpointAnswer<T>, 'index'> }
  | { readonly skipped: FailureReason }
  | { readonly error: unknown; readonly verdict: Classification };

/** Makes one attempt and records it: in the request's attempts, as an event and in telemetry. */
export async function attemptOnce<T>(
  context: RunnerContext,
  request: RunnerRequest,
  endpoint: Endpoint,
  step: Step<T>,
  attempt: number,
): Promise<AttemptResult<T>> {
  const state = context.state(endpoint);
  const fit = request.gate?.fit(endpoint);
  const record = new AttemptRecord(context, request, endpoint, attempt, fit?.stripped);
  // An endpoint whose model lacks what the request needs is not called (nor its breaker asked).
  if (fit && fit.unsupported.length > 0) {
    record.end({ outcome: 'skipped', reason: 'unsupported-capability', unsupported: fit.unsupported });
    return { skipped: 'unsupported-capability' };
  }

  // Synchronous with the in-memory store: only a networked store's answer is awaited.
  let admission = state.admit();
  if (admission instanceof Promise) admission = await admission;
  if (typeof admission === 'string') {
    record.end({ outcome: 'skipped', reason: admission });
    return { skipped: admission };
  }
  const lease = new AttemptLease(record);
  // Token-aware admission: an endpoint at capacity is skipped without sending (and without a
  // throttle). The hold is corrected to the usage reported when the attempt (or its stream) ends.
  const capacity = request.demand && state.capacity;
  if (capacity && request.demand) {
    const reserved = capacity.admit(request.demand);
    const hold = reserved instanceof Promise ? await reserved : reserved;
    if (hold === undefined) {
      state.ended(admission, 'neutral');
      record.end({ outcome: 'skipped', reason: 'at-capacity' });
      return { skipped: 'at-capacity' };
    }
    lease.settles((fields, report) => capacity.end(hold, fields, report?.usage));
  }
  try {
    // Settles the moment the request is cancelled, even when the call does not honour its signal.
    const value = await record.scope.run(() =>
      callThroughPolicies(state, endpoint, step.timeout, request.clock, lease, (signal) =>
        step.call(endpoint, lease.handle(signal)),
      ),
    );
    const described = step.describe(value);
    state.succeeded(admission, described.usage);
    // A held attempt (a stream's, at its first content) is still running: its holder ends it.
    if (lease.held) record.open({ outcome: 'success' });
    else lease.end({ outcome: 'success' }, { ...described, requestId: awsRequestId(value) });
    return { answer: { value, endpoint, held: lease.held ? lease : undefined, described } };
  } catch (error) {
    if (request.clock.aborted) {
      state.ended(admission, 'neutral');
      // The deadline's abort reason is an internal marker, not an error to show.
      if (request.clock.deadlinePassed)
        lease.end({ outcome: 'failure', errorName: 'DeadlineExceededError', reason: 'deadline' });
      else
        lease.end(
          { outcome: 'failure', reason: request.clock.wasOutrun ? 'outrun' : 'cancelled' },
          { error },
        );
      throwIfCancelled(context, request);
    }
    for (const [matches, reason] of SKIPS) {
      if (!matches(error)) continue;
      state.ended(admission, 'neutral');
      lease.end({ outcome: 'skipped', reason });
      return { skipped: reason };
    }
    const verdict = context.classify(error, endpoint);
    if (verdict.reason === 'context-length') request.gate?.outgrew(endpoint, error);
    state.ended(admission, verdict.errorClass === 'request' ? 'neutral' : 'failure', verdict.reason);
    lease.end({ outcome: 'failure', ...verdict }, { error });
    return { error, verdict };
  }
}

/** Policy rejections: the endpoint was not called, so they are skips, not failures. */
const SKIPS: readonly [(error: unknown) => boolean, FailureReason][] = [
  [isBrokenCircuitError, 'circuit-open'],
  [isBulkheadRejectedError, 'bulkhead-full'],
];
