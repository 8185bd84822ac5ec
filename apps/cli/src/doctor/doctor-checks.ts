import {
  type BedrockClient,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  GetProvisionedModelThroughputCommand,
} from '@aws-sdk/client-bedrock';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { EndpointRef } from '@bedrock-ha/core';
import { describeAwsError, networkCode } from '../describe-error.js';

/** One line of the doctor's table. */
export interface CheckResult {
  readonly check: string;
  readonly target: string;
  readonly status: 'ok' | 'warn' | 'fail' | 'skipped';
  readonly detail: string;
  readonly fix?: string;
}

/** How the checks reach AWS: the config's (or the flags') endpoint URL, profile and credentials. */
export interface CheckConnection {
  readonly endpoint?: string;
  readonly profile?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

function fail(check: string, target: string, error: unknown, where: string): CheckResult {
  const description = describeAwsError(error, where);
  return {
    check,
    target,
    status: 'fail',
    detail: description.message,
    ...(description.hint ? { fix: description.hint } : {}),
  };
}

/** Resolves credentials through the SDK's default chain (or the config's), reporting only success. */
export async function checkCredentials(client: BedrockClient, source: string): Promise<CheckResult> {
  try {
    await client.config.credentials();
    return { check: 'credentials', target: source, status: 'ok', detail: 'found' };
  } catch (error) {
    return fail('credentials', source, error, 'the credential source');
  }
}

/**
 * Checks one endpoint through the control plane: the region answers, and the PT is InService, the
 * model exists, or the inference profile is active. No model is invoked, so nothing is billed.
 */
export async function checkEndpoint(
  client: BedrockClient,
  endpoint: EndpointRef,
  where: string,
  signal: AbortSignal,
): Promise<CheckResult[]> {
  const target = `${endpoint.endpointId} (${endpoint.region})`;
  const reachable = (detail: string): CheckResult => ({
    check: 'region reachable',
    target,
    status: 'ok',
    detail,
  });
  try {
    if (endpoint.kind === 'provisioned') {
      const pt = await client.send(
        new GetProvisionedModelThroughputCommand({ provisionedModelId: endpoint.modelId }),
        {
          abortSignal: signal,
        },
      );
      const inService = pt.status === 'InService';
      return [
        reachable(where),
        {
          check: 'provisioned throughput',
          target,
          status: inService ? 'ok' : 'fail',
          detail: `${pt.provisionedModelName}: ${pt.status}${pt.failureMessage ? ` (${pt.failureMessage})` : ''}`,
          ...(inService
            ? {}
            : {
                fix:
                  pt.status === 'Failed'
                    ? 'delete it and create it again (bedrock-ha provision)'
                    : `wait for it: bedrock-ha provision wait ${pt.provisionedModelName}`,
              }),
        },
      ];
    }
    if (endpoint.kind === 'inference-profile') {
      const profile = await client.send(
        new GetInferenceProfileCommand({ inferenceProfileIdentifier: endpoint.modelId }),
        {
          abortSignal: signal,
        },
      );
      const active = profile.status === 'ACTIVE';
      return [
        reachable(where),
        {
          check: 'inference profile',
          target,
          status: active ? 'ok' : 'fail',
          detail: `${profile.inferenceProfileName}: ${profile.status}`,
          ...(active ? {} : { fix: 'use an active inference profile id' }),
        },
      ];
    }
    const model = await client.send(new GetFoundationModelCommand({ modelIdentifier: endpoint.modelId }), {
      abortSignal: signal,
    });
    const status = model.modelDetails?.modelLifecycle?.status ?? 'unknown';
    return [
      reachable(where),
      {
        check: 'model',
        target,
        status: status === 'ACTIVE' ? 'ok' : 'fail',
        detail: `${model.modelDetails?.modelName ?? endpoint.modelId}: ${status}`,
        ...(status === 'ACTIVE'
          ? {}
          : { fix: 'the model is retired or unknown here: pick another model or region' }),
      },
    ];
  } catch (error) {
    if (networkCode(error) !== undefined) return [fail('region reachable', target, error, where)];
    return [
      reachable(where),
      fail(endpoint.kind === 'provisioned' ? 'provisioned throughput' : 'model', target, error, where),
    ];
  }
}

/** A real one-token Converse request to the endpoint: proves model access and permissions, costs a little. */
export async function probeEndpoint(
  endpoint: EndpointRef,
  connection: CheckConnection,
  where: string,
  signal: AbortSignal,
): Promise<CheckResult> {
  const target = `${endpoint.endpointId} (${endpoint.region})`;
  const client = new BedrockRuntimeClient({
    region: endpoint.region,
    maxAttempts: 1,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(connection.profile ? { profile: connection.profile } : {}),
    ...(connection.credentials ? { credentials: { ...connection.credentials } } : {}),
  });
  try {
    const started = performance.now();
    await client.send(
      new ConverseCommand({
        modelId: endpoint.modelId,
        messages: [{ role: 'user', content: [{ text: 'Reply with one word.' }] }],
        inferenceConfig: { maxTokens: 1 },
        // The endpoint's tier, so that a tier the model or region refuses shows here.
        ...(endpoint.serviceTier && { serviceTier: { type: endpoint.serviceTier } }),
      }),
      { abortSignal: signal },
    );
    return {
      check: 'probe request',
      target,
      status: 'ok',
      detail: `answered in ${Math.round(performance.now() - started)} ms`,
    };
  } catch (error) {
    return fail('probe request', target, error, where);
  } finally {
    client.destroy();
  }
}
