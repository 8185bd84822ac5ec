import { BedrockRuntimeServiceException } from '@aws-sdk/client-bedrock-runtime';
import { AllEndpointsFailedError } from '../errors/all-endpoints-failed-error.js';

/**
 * What `ha.client.send` rejects with. Code written for `BedrockRuntimeClient` (and libraries such
 * as LangChain) tells errors apart by the SDK's classes and names (`ThrottlingException`,
 * `$metadata`, `$retryable`), so when every endpoint failed and the last failure was a Bedrock
 * service error, that error is surfaced, carrying the chain's `attempts` and `chain` name too.
 * bedrock-ha's own errors (every endpoint skipped or timed out, deadline, interrupted stream) and
 * everything else pass through unchanged.
 */
export function dropInError(error: unknown): unknown {
  if (!(error instanceof AllEndpointsFailedError)) return error;
  const last = error.cause;
  if (!(last instanceof BedrockRuntimeServiceException)) return error;
  return Object.assign(last, { attempts: error.attempts, chain: error.chain });
}
