// startServer lives in @bedrock-ha/node (what `bedrock-ha serve` uses too); re-exported so this
// package's API stays as it was.
export { type RunningServer, type ServerOptions, startServer } from '@bedrock-ha/node';
export { SERVER_ENV, ServerEnvError, serverOptionsFromEnv } from './server-env.js';
