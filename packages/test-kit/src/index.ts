export { type BedrockClientOptions, bedrockClient, userMessage } from './bedrock-client.js';
export { type ChatCompletionsClient, chatTraffic, scrapeMetrics } from './gateway-traffic.js';
export { parsePrometheusText, type Sample, total } from './prometheus-text.js';
export { readmeExample, runExample } from './readme-example.js';
export { type RedisServer, startRedisServer } from './redis-server.js';
export {
  breakerStaysOpen,
  CHAT_CHAINS,
  CREDENTIALS,
  eventually,
  HAIKU,
  outcomesIn,
  PRIMARY_PT,
  SIMULATOR,
  simulatorClient,
  TOKYO,
  UNLIMITED,
} from './simulator-setup.js';
export { type TestResources, testResources } from './test-resources.js';
export { watchTimers } from './watch-timers.js';
