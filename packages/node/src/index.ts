export type { GatewayResponse, RequestLog } from '@bedrock-ha/http';
export { DEFAULT_ACCEPT_LISTENERS } from './accept-listeners.js';
export { AUTH_MODES, type AuthMode, isAuthMode } from './auth-policy.js';
export {
  type ConnectionLimits,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
} from './connection-limits.js';
export { type DualProtocolServer, dualProtocolServer } from './dual-protocol-server.js';
export { DEFAULT_MAX_IN_FLIGHT } from './in-flight-limit.js';
export { isLogLevel, LOG_LEVELS } from './logger.js';
export { HEALTH_GAUGES } from './metrics/health-gauges.js';
export { type MetricsOptions, PROMETHEUS_CONTENT_TYPE } from './metrics/prometheus-metrics.js';
export type { NodeRequest, NodeResponse } from './node-message.js';
export { type ServeGatewayRequestOptions, serveGatewayRequest } from './serve-gateway-request.js';
export type { RunningServer, ServerOptions } from './server-options.js';
export { startServer } from './start-server.js';
export { DEFAULT_MAX_QUEUE_WAIT_MS, DEFAULT_MAX_REQUESTS_PER_TURN } from './turn-budget.js';
export { writeGatewayResponse } from './write-gateway-response.js';
