// The server's tests share @bedrock-ha/node's harness: startServer lives there.
export * from '../../../packages/node/test/harness.js';
