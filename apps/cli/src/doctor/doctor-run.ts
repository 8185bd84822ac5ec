import type { BedrockClient } from '@aws-sdk/client-bedrock';
import {
  type BedrockHAConfig,
  type CapacityHealth,
  checkChainGraph,
  createBedrockHA,
  type EndpointRef,
} from '@bedrock-ha/core';
import pc from 'picocolors';
import { graphChecks } from '../chain-graph-report.js';
import { controlPlaneClient } from '../control-plane-client.js';
import { resolveEngineConfig } from '../engine-config.js';
import { CliError, ExitCode } from '../exit-code.js';
import type { GlobalOptions } from '../global-options.js';
import { isSimulatorCredentials } from '../local-simulator.js';
import type { Output } from '../output.js';
import type { SeedFlags } from '../seed-chain.js';
import { renderTable } from '../table.js';
import { describeCredentialSource } from './credential-source.js';
import {
  type CheckConnection,
  type CheckResult,
  checkCredentials,
  checkEndpoint,
  probeEndpoint,
} from './doctor-checks.js';
import { credentialKey, endpointConnections } from './endpoint-connections.js';

/** The options of `bedrock-ha doctor`. */
export interface DoctorOptions extends SeedFlags {
  readonly probe: boolean;
}

/**
 * Runs every check and prints the table; resolves with the exit code: 2 when the configuration
 * cannot be used, 1 when any other check failed. Warnings (the fallback graph's) do not fail.
 */
export async function runDoctor(
  options: DoctorOptions,
  globals: GlobalOptions,
  output: Output,
  signal: AbortSignal,
): Promise<ExitCode> {
  const results: CheckResult[] = [];
  let config: BedrockHAConfig;
  let source: string;
  try {
    ({ config, source } = await resolveEngineConfig(globals, options, output));
  } catch (error) {
    if (!(error instanceof CliError) || error.exitCode !== ExitCode.usage) throw error;
    results.push({
      check: 'config',
      target: globals.config ?? '(none)',
      status: 'fail',
      detail: error.message,
      ...(error.hint ? { fix: error.hint } : {}),
    });
    print(results, output);
    return ExitCode.usage;
  }
  const ha = createBedrockHA(config, { telemetry: false });
  const health = ha.health();
  const endpoints: EndpointRef[] = health.map(({ endpointId, region, kind, modelId, serviceTier }) => ({
    endpointId,
    region,
    kind,
    modelId,
    ...(serviceTier && { serviceTier }),
  }));
  ha.destroy();
  results.push({
    check: 'config',
    target: source,
    status: 'ok',
    detail: `${Object.keys(config.chains).length} chain(s), ${endpoints.length} endpoint(s)`,
  });
  // Warnings only: a chain whose fallbacks cannot help still serves.
  results.push(...graphChecks(checkChainGraph(config, source)));
  for (const endpoint of health)
    if (endpoint.capacity)
      results.push({
        check: 'capacity',
        target: `${endpoint.endpointId} (${endpoint.region})`,
        status: 'ok',
        detail: describeCapacity(endpoint.capacity),
      });
  const connections = endpointConnections(config);
  // One credential check per distinct profile or static credentials, in the endpoints' order.
  const credentialChecks = new Map<string, CheckResult>();
  for (const endpoint of endpoints) {
    const connection = connections.get(endpoint.endpointId) ?? {};
    const key = credentialKey(connection);
    if (credentialChecks.has(key)) continue;
    const client = regionalClient(globals, connection, endpoint.region);
    const label = isSimulatorCredentials(connection.credentials)
      ? `placeholder credentials (the simulator at ${connection.endpoint} checks none)`
      : connection.credentials
        ? `static credentials in ${source} (client.credentials)`
        : describeCredentialSource(
            connection.profile,
            globals.profile === undefined ? `client.profile in ${source}` : '--profile',
          );
    try {
      const result = await checkCredentials(client, label);
      credentialChecks.set(key, result);
      results.push(result);
    } finally {
      client.destroy();
    }
  }
  for (const endpoint of endpoints) {
    const connection = connections.get(endpoint.endpointId) ?? {};
    if (credentialChecks.get(credentialKey(connection))?.status !== 'ok') {
      results.push({
        check: 'endpoint',
        target: `${endpoint.endpointId} (${endpoint.region})`,
        status: 'skipped',
        detail: 'no credentials',
      });
      continue;
    }
    const where = connection.endpoint ?? `bedrock.${endpoint.region}.amazonaws.com`;
    const client = regionalClient(globals, connection, endpoint.region);
    try {
      results.push(...(await checkEndpoint(client, endpoint, where, signal)));
    } finally {
      client.destroy();
    }
    if (options.probe) results.push(await probeEndpoint(endpoint, connection, where, signal));
  }
  print(results, output);
  if (!options.probe && !output.json)
    output.note(
      pc.dim('Model access is proven only by a request: add --probe to send one per endpoint (billed).'),
    );
  return results.some((result) => result.status === 'fail') ? ExitCode.failed : ExitCode.ok;
}

/** The control-plane client of one endpoint: its region, endpoint URL, profile and credentials. */
function regionalClient(globals: GlobalOptions, connection: CheckConnection, region: string): BedrockClient {
  const client = controlPlaneClient(
    { ...globals, endpointUrl: connection.endpoint, profile: connection.profile },
    region,
  );
  const { credentials } = connection;
  if (credentials) client.config.credentials = async () => ({ ...credentials });
  return client;
}

function print(results: readonly CheckResult[], output: Output): void {
  if (output.json) {
    output.result({ ok: !results.some((result) => result.status === 'fail'), checks: results });
    return;
  }
  const mark = { ok: pc.green('ok'), warn: pc.yellow('warn'), fail: pc.red('FAIL'), skipped: pc.dim('skip') };
  output.line(
    renderTable(
      ['', 'check', 'target', 'detail', 'fix'],
      results.map((result) => [
        mark[result.status],
        result.check,
        result.target,
        result.detail,
        result.fix ?? '',
      ]),
    ),
  );
}

/** An endpoint's declared or learned capacity in words: `declared 40000 tokens/min (2 model units)`. */
export function describeCapacity(capacity: CapacityHealth): string {
  const { declared, learned } = capacity;
  const figures = [
    declared.tokensPerMinute !== undefined &&
      `${declared.tokensPerMinute} tokens/min${declared.modelUnits === undefined ? '' : ` (${declared.modelUnits} model units)`}`,
    declared.requestsPerMinute !== undefined && `${declared.requestsPerMinute} requests/min`,
    declared.tokensPerDay !== undefined && `${declared.tokensPerDay} tokens/day`,
  ].filter((figure): figure is string => typeof figure === 'string');
  const parts = figures.length > 0 ? [`declared ${figures.join(', ')}`] : [];
  if (learned)
    parts.push(
      learned.tokensPerMinute === undefined
        ? 'learned from throttles (nothing learned yet)'
        : `learned ${learned.tokensPerMinute} tokens/min`,
    );
  return parts.join('; ');
}
