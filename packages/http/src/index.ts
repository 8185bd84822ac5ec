export { converseInputFromWire, toBedrockWireJson } from './bedrock-wire.js';
export type { CorsOptions } from './cors.js';
export type { EndpointWindowStats } from './endpoint-stats.js';
export { createGateway, DEFAULT_MAX_BODY_BYTES, UNAUTHENTICATED_MAX_BODY_BYTES } from './gateway.js';
export type {
  Gateway,
  GatewayAdmission,
  GatewayError,
  GatewayOptions,
  GatewayRequest,
  GatewayRequestHead,
  GatewayResponse,
  RequestLog,
  RequestOutcome,
} from './gateway-api.js';
export { checkConverseDepth, MAX_JSON_DEPTH } from './json-depth.js';
export {
  type OpenedStateStore,
  openStateStore,
  pendingStateStore,
  type StateStoreLog,
  withStateUrl,
} from './state-store-loader.js';
