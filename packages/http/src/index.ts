export { converseInputFromWire, toBedrockWireJson } from './bedrock-wire.js';
export type { EndpointWindowStats } from './endpoint-stats.js';
export { createGateway, DEFAULT_MAX_BODY_BYTES } from './gateway.js';
export type {
  Gateway,
  GatewayError,
  GatewayOptions,
  GatewayRequest,
  GatewayResponse,
  RequestLog,
  RequestOutcome,
} from './gateway-api.js';
