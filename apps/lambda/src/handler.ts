// The deployed function's entry. Everything here runs once per execution environment, at init:
// the engine (SDK clients, breakers) is shared by both handlers and every invocation.
import { createHandler, createStreamingHandler, loadLambdaEngine } from '@bedrock-ha/lambda';

// Awaited at init: the `yaml` package loads only for a YAML configuration, never for JSON.
const engine = await loadLambdaEngine();

/** API Gateway (HTTP API v2, REST v1), Function URLs in BUFFERED mode, and direct invocations. */
export const handler = createHandler({ engine });

/** Function URLs in RESPONSE_STREAM mode: SSE and event streams go out chunk by chunk. */
export const streamingHandler = createStreamingHandler({ engine });
