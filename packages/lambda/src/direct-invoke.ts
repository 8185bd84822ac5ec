import type { BedrockHA, ConverseInput, Served } from '@bedrock-ha/core';
import { checkConverseDepth, converseInputFromWire, toBedrockWireJson } from '@bedrock-ha/http';
import { type CollectedConverse, collectConverseStream } from './converse-stream-collector.js';
import { hasKeys } from './http-event.js';
import { InvalidEventError } from './invalid-event-error.js';
import type { InvocationBudget } from './invocation-budget.js';
import type { DirectInvokeEvent } from './lambda-types.js';
import { type LambdaLogger, logEntry } from './request-log.js';

/**
 * What a direct invocation returns: Converse's output as Bedrock's JSON wire carries it (blobs such
 * as redacted reasoning are base64 strings), and who served it after which attempts.
 */
export type DirectInvokeResult = CollectedConverse & Served;

const OPERATIONS = ['converse', 'converseStream'] as const;

/** True for an event that looks meant for the direct-invoke handler (it names a chain or an input). */
export function isDirectInvokeEvent(event: unknown): boolean {
  return (
    hasKeys(event) &&
    !('requestContext' in event) &&
    ('chain' in event || 'input' in event || 'operation' in event)
  );
}

/**
 * Checks a direct-invoke event, naming what is wrong and how to fix it.
 * @throws InvalidEventError
 */
export function parseDirectInvokeEvent(event: unknown): DirectInvokeEvent {
  const example = 'invoke with { "chain": "<chain name>", "input": { "messages": [...] } }';
  if (!hasKeys(event)) throw new InvalidEventError(`The event must be a JSON object; ${example}`);
  const { operation = 'converse', chain, input } = event;
  if (typeof chain !== 'string' || chain === '')
    throw new InvalidEventError(`"chain" is ${chain === undefined ? 'missing' : 'not a name'}; ${example}`);
  if (!OPERATIONS.includes(operation as DirectInvokeEvent['operation'] & string))
    throw new InvalidEventError(
      `"operation" is ${JSON.stringify(operation)}; use "converse" (the default) or "converseStream"`,
    );
  if (!hasKeys(input) || Array.isArray(input))
    throw new InvalidEventError(
      `"input" is ${input === undefined ? 'missing' : 'not an object'}; ${example}`,
    );
  if ('modelId' in input)
    throw new InvalidEventError('"input.modelId" is not allowed: the chain picks the model; remove it');
  return { operation: operation as DirectInvokeEvent['operation'], chain, input };
}

/**
 * The event's input in the SDK's shape. The event is JSON (Step Functions can carry nothing else),
 * so image, document and other bytes arrive base64-encoded as on Bedrock's wire: they are decoded
 * here, or the SDK would base64-encode the text a second time.
 * @throws InvalidEventError naming a blob that is not base64, or JSON nested too deeply.
 */
function sdkInput(input: DirectInvokeEvent['input']): ConverseInput {
  try {
    // First: structuredClone, like the SDK's serializer, overflows on JSON nested thousands deep.
    checkConverseDepth(input);
    // A copy: the wire decoder works in place, and the caller's event stays as it was sent.
    return converseInputFromWire(structuredClone(input));
  } catch (error) {
    throw new InvalidEventError(`"input" is not a valid Converse input: ${(error as Error).message}`);
  }
}

/** The result as plain JSON for Lambda to return: blobs as base64, as Bedrock's wire has them. */
function wireResult(result: DirectInvokeResult): DirectInvokeResult {
  const { servedBy, attempts, ...converse } = result;
  return { ...(toBedrockWireJson(converse) as CollectedConverse), servedBy, attempts };
}

/**
 * Runs a direct invocation through the engine within the invocation's budget. Engine errors
 * (`UnknownChainError`, `AllEndpointsFailedError`, `DeadlineExceededError`, the SDK's
 * `ValidationException`...) are thrown as they are, so callers can match them by name.
 */
export async function invokeDirect(
  ha: BedrockHA,
  event: DirectInvokeEvent,
  budget: InvocationBudget,
  logger: LambdaLogger | undefined,
): Promise<DirectInvokeResult> {
  const started = performance.now();
  const options = { signal: budget.signal, deadlineMs: budget.deadlineMs };
  const route = `invoke ${event.operation ?? 'converse'}`;
  const input = sdkInput(event.input);
  try {
    let result: DirectInvokeResult;
    if (event.operation === 'converseStream') {
      const streamed = await ha.converseStream(event.chain, input, options);
      const collected = await collectConverseStream(streamed.stream);
      // Read after the stream ends: a resumed stream reports the endpoint that finished it.
      result = { ...collected, servedBy: streamed.servedBy, attempts: streamed.attempts };
    } else {
      const { output, stopReason, usage, metrics, servedBy, attempts } = await ha.converse(
        event.chain,
        input,
        options,
      );
      result = { output, stopReason, usage, metrics, servedBy, attempts } as DirectInvokeResult;
    }
    logger?.(
      logEntry({
        message: 'request',
        route,
        chain: event.chain,
        status: 200,
        endpoint: result.servedBy.endpointId,
        region: result.servedBy.region,
        attempts: result.attempts.length,
        durationMs: Math.round(performance.now() - started),
      }),
    );
    return wireResult(result);
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    const attempts = (error as { attempts?: readonly unknown[] }).attempts;
    logger?.(
      logEntry({
        message: 'request',
        route,
        chain: event.chain,
        status: 500,
        attempts: attempts?.length,
        durationMs: Math.round(performance.now() - started),
        // The engine's messages name chains, endpoints and error names, never prompt text.
        error: { name, message },
      }),
    );
    throw error;
  }
}
