export { SERVER_ENV, ServerEnvError, serverOptionsFromEnv } from './server-env.js';
export type { RunningServer, ServerOptions } from './server-options.js';
export { startServer } from './start-server.js';
