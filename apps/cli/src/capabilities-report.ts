import type { EndpointCapabilities, ModelCapabilities } from '@bedrock-ha/core';
import { renderTable } from './table.js';

const FLAGS: readonly [keyof ModelCapabilities, string][] = [
  ['tools', 'tools'],
  ['images', 'images'],
  ['documents', 'documents'],
  ['structuredOutput', 'structured'],
  ['performanceConfig', 'latency-opt'],
  ['cachePoint', 'cache'],
];

/** Each endpoint's capabilities as a table: yes, no, or ? (unknown: never skipped). */
export function renderCapabilities(rows: readonly EndpointCapabilities[]): string {
  return renderTable(
    ['chain', 'endpoint', 'context', ...FLAGS.map(([, label]) => label), 'tiers'],
    rows.map(({ chain, endpointId, capabilities }) => [
      chain,
      endpointId,
      capabilities.contextWindow === undefined ? '?' : capabilities.contextWindow.toLocaleString('en-US'),
      ...FLAGS.map(([key]) => (capabilities[key] === undefined ? '?' : capabilities[key] ? 'yes' : 'no')),
      capabilities.serviceTiers?.join(',') ?? '?',
    ]),
  );
}
