import { type BedrockHAConfig, type ClientConfig, createBedrockHA } from '@bedrock-ha/core';
import type { CheckConnection } from './doctor-checks.js';

/**
 * How each endpoint connects, by endpoint id: its own `client` over the top-level one, merged
 * field by field as the engine does. Each entry's id is asked of the engine (a one-endpoint
 * config), so that ids the engine derives (`<region>/<model>`) match `ha.health()`.
 */
export function endpointConnections(config: BedrockHAConfig): Map<string, CheckConnection> {
  const connections = new Map<string, CheckConnection>();
  for (const chain of Object.values(config.chains)) {
    for (const entry of chain.endpoints) {
      const own =
        typeof entry === 'string'
          ? config.endpoints && Object.hasOwn(config.endpoints, entry)
            ? config.endpoints[entry]?.client
            : undefined
          : entry.client;
      const ha = createBedrockHA(
        {
          chains: { probe: { endpoints: [entry] } },
          ...(config.endpoints ? { endpoints: config.endpoints } : {}),
        },
        { telemetry: false },
      );
      const id = ha.health()[0]?.endpointId;
      ha.destroy();
      if (id !== undefined) connections.set(id, connection({ ...config.client, ...own }));
    }
  }
  return connections;
}

function connection(client: ClientConfig): CheckConnection {
  return {
    ...(client.endpoint ? { endpoint: client.endpoint } : {}),
    ...(client.profile ? { profile: client.profile } : {}),
    ...(client.credentials ? { credentials: client.credentials } : {}),
  };
}

/** One key per distinct way of signing, so that each credential source is checked once. */
export function credentialKey(connection: CheckConnection): string {
  return JSON.stringify([
    connection.profile,
    connection.credentials?.accessKeyId,
    connection.credentials?.secretAccessKey,
    connection.credentials?.sessionToken,
  ]);
}
