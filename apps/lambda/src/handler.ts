// The deployed function's entry. Everything here runs once per execution environment, at init:
// the engine (SDK clients, breakers) is shared by both handlers and every invocation.
import { createHandlers, loadLambdaEngine } from '@bedrock-ha/lambda';

// Awaited at init. The configuration the construct deploys is precompiled (validated at synth), so
// neither zod nor the schema loads here; any other is validated as usual (`yaml` only for YAML).
const engine = await loadLambdaEngine();

/**
 * `handler`: API Gateway (HTTP API v2, REST v1), Function URLs in BUFFERED mode, and direct
 * invocations. `streamingHandler`: Function URLs in RESPONSE_STREAM mode, SSE and event streams
 * going out chunk by chunk.
 */
export const { handler, streamingHandler } = createHandlers(engine);
