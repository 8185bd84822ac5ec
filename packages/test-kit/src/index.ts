export { type BedrockClientOptions, bedrockClient, userMessage } from './bedrock-client.js';
export { parsePrometheusText, type Sample, total } from './prometheus-text.js';
export { type RedisServer, startRedisServer } from './redis-server.js';
export {
  CREDENTIALS,
  eventually,
  HAIKU,
  outcomesIn,
  PRIMARY_PT,
  SIMULATOR,
  TOKYO,
  UNLIMITED,
} from './simulator-setup.js';
export { type TestResources, testResources } from './test-resources.js';
export { watchTimers } from './watch-timers.js';
