export { DEFAULT_KEY_PREFIX, RedisStateStore, type RedisStateStoreOptions } from './redis-state-store.js';
export { checkRedisUrl, redactRedisUrl } from './redis-url.js';
