export type { GatewayResponse, RequestLog } from '@bedrock-ha/http';
export { type BedrockHARouter, type BedrockHARouterOptions, bedrockHARouter } from './bedrock-ha-router.js';
