/**
 * Every OpenTelemetry attribute and metric name bedrock-ha records, in one place: the GenAI
 * semantic conventions' names (as the OpenTelemetry aws-sdk instrumentation records them for
 * Bedrock), the general ones (`error.type`, `server.address`, `cloud.region`, `aws.request.id`)
 * and bedrock-ha's own under `bedrock_ha.*`. Dashboards and alerts depend on these strings:
 * changing one is a breaking change for their users.
 */

export const ATTR_AWS_REQUEST_ID = 'aws.request.id';
export const ATTR_BEDROCK_HA_ATTEMPT = 'bedrock_ha.attempt';
export const ATTR_BEDROCK_HA_ATTEMPTS = 'bedrock_ha.attempts';
export const ATTR_BEDROCK_HA_BREAKER_STATE = 'bedrock_ha.breaker.state';
export const ATTR_BEDROCK_HA_ATTEMPT_OUTCOME = 'bedrock_ha.attempt.outcome';
export const ATTR_BEDROCK_HA_CHAIN = 'bedrock_ha.chain';
export const ATTR_BEDROCK_HA_ENDPOINT_ID = 'bedrock_ha.endpoint.id';
export const ATTR_BEDROCK_HA_ENDPOINT_KIND = 'bedrock_ha.endpoint.kind';
export const ATTR_BEDROCK_HA_ERROR_CLASS = 'bedrock_ha.error.class';
export const ATTR_BEDROCK_HA_FAILOVERS = 'bedrock_ha.failovers';
export const ATTR_BEDROCK_HA_FAILOVER_FROM = 'bedrock_ha.failover.from';
export const ATTR_BEDROCK_HA_FAILOVER_RESUMED = 'bedrock_ha.failover.resumed';
export const ATTR_BEDROCK_HA_FAILOVER_TO = 'bedrock_ha.failover.to';
export const ATTR_BEDROCK_HA_FAILURE_REASON = 'bedrock_ha.failure.reason';
export const ATTR_BEDROCK_HA_OPERATION = 'bedrock_ha.operation';
export const ATTR_BEDROCK_HA_STATE_STORE_OPERATION = 'bedrock_ha.state_store.operation';
export const ATTR_BEDROCK_HA_STATE_STORE_REASON = 'bedrock_ha.state_store.reason';
/** The Bedrock service tier an endpoint asks for (priority, default, flex, reserved), when it sets one. */
export const ATTR_BEDROCK_HA_SERVICE_TIER = 'bedrock_ha.service_tier';
/** An attempt skipped for `unsupported-capability`: what the request needs that the endpoint lacks. */
export const ATTR_BEDROCK_HA_UNSUPPORTED = 'bedrock_ha.unsupported';
/** Optional request features removed for the attempt's endpoint, which lacks them. */
export const ATTR_BEDROCK_HA_STRIPPED = 'bedrock_ha.stripped';
export const ATTR_CLOUD_REGION = 'cloud.region';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';

/** The value of `gen_ai.system` and `gen_ai.provider.name` for Bedrock. */
export const GEN_AI_SYSTEM_AWS_BEDROCK = 'aws.bedrock';

export const METRIC_BEDROCK_HA_ATTEMPTS = 'bedrock_ha.attempts';
export const METRIC_BEDROCK_HA_BREAKER_STATE = 'bedrock_ha.breaker.state';
export const METRIC_BEDROCK_HA_BREAKER_TRANSITIONS = 'bedrock_ha.breaker.transitions';
export const METRIC_BEDROCK_HA_FAILOVERS = 'bedrock_ha.failovers';
export const METRIC_BEDROCK_HA_HEDGES = 'bedrock_ha.hedges';
export const METRIC_BEDROCK_HA_STATE_STORE_FALLBACKS = 'bedrock_ha.state_store.fallbacks';
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
