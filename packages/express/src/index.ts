export type { GatewayResponse, RequestLog } from '@bedrock-ha/http';
export { type BedrockHARouter, type BedrockHARouterOptions, bedrockHARouter } from './bedrock-ha-router.js';
export type { NodeRequest, NodeResponse } from './node-message.js';
export { type ServeGatewayRequestOptions, serveGatewayRequest } from './serve-gateway-request.js';
export { writeGatewayResponse } from './write-gateway-response.js';
