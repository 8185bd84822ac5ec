import { type BedrockHAConfig, createBedrockHA, type EndpointRef } from '@bedrock-ha/core';
import pc from 'picocolors';
import { controlPlaneClient } from '../control-plane-client.js';
import { resolveEngineConfig } from '../engine-config.js';
import { CliError, ExitCode } from '../exit-code.js';
import type { GlobalOptions } from '../global-options.js';
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

/** The options of `bedrock-ha doctor`. */
export interface DoctorOptions extends SeedFlags {
  readonly probe: boolean;
}

/**
 * Runs every check and prints the table; resolves with the exit code: 2 when the configuration
 * cannot be used, 1 when any other check failed.
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
    ({ config, source } = await resolveEngineConfig(globals, options));
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
  const endpoints: EndpointRef[] = ha
    .health()
    .map(({ endpointId, region, kind, modelId }) => ({ endpointId, region, kind, modelId }));
  ha.destroy();
  results.push({
    check: 'config',
    target: source,
    status: 'ok',
    detail: `${Object.keys(config.chains).length} chain(s), ${endpoints.length} endpoint(s)`,
  });
  const connection: CheckConnection = {
    ...(config.client?.endpoint ? { endpoint: config.client.endpoint } : {}),
    ...(config.client?.profile ? { profile: config.client.profile } : {}),
    ...(config.client?.credentials ? { credentials: config.client.credentials } : {}),
  };
  const credentialSource = connection.credentials
    ? `static credentials in ${source} (client.credentials)`
    : describeCredentialSource(connection.profile);
  const regionOf = (region: string | undefined) => {
    const client = controlPlaneClient(
      { ...globals, endpointUrl: connection.endpoint, profile: connection.profile },
      region,
    );
    if (connection.credentials) client.config.credentials = async () => ({ ...connection.credentials! });
    return client;
  };
  const first = regionOf(endpoints[0]?.region);
  const credentials = await checkCredentials(first, credentialSource);
  first.destroy();
  results.push(credentials);
  for (const endpoint of endpoints) {
    if (credentials.status !== 'ok') {
      results.push({
        check: 'endpoint',
        target: `${endpoint.endpointId} (${endpoint.region})`,
        status: 'skipped',
        detail: 'no credentials',
      });
      continue;
    }
    const where = connection.endpoint ?? `bedrock.${endpoint.region}.amazonaws.com`;
    const client = regionOf(endpoint.region);
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

function print(results: readonly CheckResult[], output: Output): void {
  if (output.json) {
    output.result({ ok: !results.some((result) => result.status === 'fail'), checks: results });
    return;
  }
  const mark = { ok: pc.green('ok'), fail: pc.red('FAIL'), skipped: pc.dim('skip') };
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
