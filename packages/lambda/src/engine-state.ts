import type { BedrockHA, BedrockHAConfig, BedrockHAOptions } from '@bedrock-ha/core';
import { openStateStore, pendingStateStore } from '@bedrock-ha/http';
import { jsonLineLogger } from './request-log.js';

/** Builds the engine from a configuration: `createBedrockHA`, or `createValidatedBedrockHA`. */
export type EngineFactory = (config: BedrockHAConfig, options?: BedrockHAOptions) => BedrockHA;

/**
 * The engine, with its Redis state store when `state.store` is redis. Init is synchronous here:
 * the store loads in the background, and calls made before it is up are answered from local
 * state (the engine's fallback).
 */
export function engineWithPendingState(
  config: BedrockHAConfig,
  options: BedrockHAOptions | undefined,
  create: EngineFactory,
): BedrockHA {
  if (config.state?.store !== 'redis' || options?.stateStore) return create(config, options);
  const opening = openStateStore(config, stateLog);
  opening.catch((error: unknown) => jsonLineLogger(stateLogEntry('ERROR', (error as Error).message)));
  return create(config, { ...options, stateStore: pendingStateStore(opening).store });
}

/** The engine, after its Redis state store (if any) is open: asynchronous init can wait for it. */
export async function engineWithState(
  config: BedrockHAConfig,
  options: BedrockHAOptions | undefined,
  create: EngineFactory,
): Promise<BedrockHA> {
  if (config.state?.store !== 'redis' || options?.stateStore) return create(config, options);
  const opened = await openStateStore(config, stateLog);
  return create(config, { ...options, ...(opened && { stateStore: opened.store }) });
}

function stateLog(state: 'up' | 'down', message: string): void {
  jsonLineLogger(stateLogEntry(state === 'down' ? 'WARN' : 'INFO', message));
}

function stateLogEntry(level: 'INFO' | 'WARN' | 'ERROR', message: string) {
  return { level, message, timestamp: new Date().toISOString(), service: 'bedrock-ha' };
}
