import { knownCapabilities, type ModelCapabilities } from '../capabilities/model-capabilities.js';
import { resolveCapacity } from '../capacity/declared-capacity.js';
import { type AffinityOptions, DEFAULT_AFFINITY } from '../chain/affinity.js';
import { type Chain, type Endpoint, type Policy, parseModelId } from '../chain/endpoint.js';
import type { RetryBudgetOptions } from '../policies/retry-budget.js';
import type { CapabilitiesConfig } from './capabilities-schema.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { BedrockHAConfig, EndpointConfig } from './config-schema.js';
import { DEFAULT_POLICY, DEFAULT_RETRY_BUDGET, STRIPPABLE_FEATURES } from './defaults.js';
import type { PolicyConfig } from './policy-schema.js';
import type { StateConfig } from './state-config-schema.js';

/** A validated configuration, ready to run. */
export interface ResolvedConfig {
  readonly chains: ReadonlyMap<string, Chain>;
  /** Retry budget of each endpoint, or `false` for unlimited retries. */
  readonly retryBudget: RetryBudgetOptions | false;
  readonly captureContent: boolean;
  /** Where state lives, as configured (`{}`: this process's memory). */
  readonly state: StateConfig;
  /** Prompt-cache affinity, or `false` when turned off. */
  readonly affinity: AffinityOptions | false;
}

/**
 * Fills in every default of a configuration whose shape the schema has accepted (`resolveConfig`
 * checks it first; a precompiled configuration was checked when it was precompiled): kinds and
 * regions from model ids, endpoint references, and policies merged config -> chain -> endpoint.
 * Checks what the schema cannot: references, ids, kinds and regions against model ids. No zod
 * here, so a precompiled configuration never loads it.
 * @throws ConfigError listing every problem, each with its path and a fix.
 */
export function resolveValidConfig(config: BedrockHAConfig, source?: string): ResolvedConfig {
  const issues: ConfigIssue[] = [];
  const byId = new Map<string, { endpoint: Endpoint; path: string; definition: string }>();
  const chains = new Map<string, Chain>();

  for (const [name, chain] of Object.entries(config.chains)) {
    const endpoints: Endpoint[] = [];
    for (const [index, entry] of chain.endpoints.entries()) {
      const path = `chains.${name}.endpoints.${index}`;
      const reference = typeof entry === 'string' ? entry : undefined;
      // hasOwn: a reference such as "constructor" must not find Object.prototype's.
      const shared =
        reference !== undefined && config.endpoints && Object.hasOwn(config.endpoints, reference)
          ? config.endpoints[reference]
          : undefined;
      const definition: EndpointConfig | undefined =
        reference === undefined ? (entry as EndpointConfig) : shared && { ...shared, id: reference };
      if (definition === undefined) {
        const known = Object.keys(config.endpoints ?? {});
        issues.push({
          path,
          message: `refers to endpoint "${reference}", which is not defined`,
          fix: known.length
            ? `define it under "endpoints" or use one of: ${known.join(', ')}`
            : 'define it under "endpoints", or write the endpoint inline',
        });
        continue;
      }
      const endpoint = resolveEndpoint(
        definition,
        // A shared endpoint keeps one breaker, bulkhead and budget for every chain, so one policy:
        // the config's and its own. A chain's policy applies to the endpoints written inline in it.
        reference === undefined
          ? [config.policy, chain.policy, definition.policy]
          : [config.policy, definition.policy],
        { ...config.client, ...definition.client },
        reference === undefined ? path : `endpoints.${reference}`,
        issues,
      );
      if (!endpoint) continue;
      if (endpoints.some((other) => other.id === endpoint.id)) {
        issues.push({
          path,
          message: `endpoint id "${endpoint.id}" appears twice in chain "${name}"`,
          fix: 'give each endpoint of a chain its own id',
        });
        continue;
      }
      // Endpoint state (breaker, bulkhead, budget) is keyed by id, so one id must mean one endpoint.
      const key = JSON.stringify(endpoint);
      const seen = byId.get(endpoint.id);
      // Checked for references too: an inline endpoint may have taken a shared endpoint's id first.
      if (seen && seen.definition !== key) {
        issues.push({
          path,
          message: `endpoint id "${endpoint.id}" is already used by ${seen.path} for a different endpoint`,
          fix: 'rename one of them, or define the endpoint once under "endpoints" and refer to it by id',
        });
        continue;
      }
      if (!seen) byId.set(endpoint.id, { endpoint, path, definition: key });
      endpoints.push(seen?.endpoint ?? endpoint);
    }
    chains.set(name, {
      name,
      endpoints,
      routing: chain.routing ?? 'ordered',
      deadlineMs: chain.deadlineMs ?? config.deadlineMs,
      resume: chain.resume ?? false,
      hedgeAfterMs: chain.hedge?.afterMs,
      stripUnsupported:
        chain.stripUnsupported === true ? [...STRIPPABLE_FEATURES] : chain.stripUnsupported || [],
    });
  }
  // A shared endpoint that several chains refer to would report its problems once per chain.
  const unique = [...new Map(issues.map((issue) => [`${issue.path}\n${issue.message}`, issue])).values()];
  if (unique.length > 0) throw new ConfigError(unique, source);
  return {
    chains,
    retryBudget: config.retryBudget === false ? false : { ...DEFAULT_RETRY_BUDGET, ...config.retryBudget },
    captureContent: config.telemetry?.captureContent ?? false,
    state: config.state ?? {},
    affinity: config.affinity === false ? false : { ...DEFAULT_AFFINITY, ...config.affinity },
  };
}

function resolveEndpoint(
  definition: EndpointConfig,
  policies: (PolicyConfig | undefined)[],
  client: Endpoint['client'],
  path: string,
  issues: ConfigIssue[],
): Endpoint | undefined {
  const { modelId } = definition;
  const implied = parseModelId(modelId);
  const kind = definition.kind ?? implied.kind;
  if (kind === undefined) {
    issues.push({
      path: `${path}.modelId`,
      message: `"${modelId}" is an ARN of no kind bedrock-ha knows`,
      fix: 'use a provisioned-model, inference-profile or foundation-model ARN, or a model id',
    });
    return undefined;
  }
  if (implied.kind !== undefined && definition.kind !== undefined && implied.kind !== definition.kind) {
    issues.push({
      path: `${path}.kind`,
      message: `is "${definition.kind}" but modelId "${modelId}" is ${article(implied.kind)} ${implied.kind} id`,
      fix:
        definition.kind === 'provisioned'
          ? 'a provisioned endpoint takes its provisioned-model ARN as modelId (see `aws bedrock list-provisioned-model-throughputs`)'
          : `set kind to "${implied.kind}" or leave it out`,
    });
    return undefined;
  }
  if (implied.region && definition.region && implied.region !== definition.region) {
    issues.push({
      path: `${path}.region`,
      message: `is ${definition.region} but modelId is an ARN in ${implied.region}`,
      fix: `set region to ${implied.region} or leave it out`,
    });
    return undefined;
  }
  const region = definition.region ?? implied.region;
  if (region === undefined) {
    issues.push({
      path: `${path}.region`,
      message: 'is required: the model id does not name a region',
      fix: 'add region, for example "us-west-2"',
    });
    return undefined;
  }
  const capacity = definition.capacity && resolveCapacity(definition.capacity, modelId, path, issues);
  if (definition.capacity && !capacity) return undefined;
  const { serviceTier } = definition;
  const defaultId = `${region}/${modelId.split(':').slice(5).join(':') || modelId}`;
  return {
    // The tier in the default id lets one model sit in a chain at several tiers.
    id: definition.id ?? (serviceTier ? `${defaultId}@${serviceTier}` : defaultId),
    kind,
    region,
    modelId,
    ...(serviceTier && { serviceTier }),
    weight: definition.weight ?? 1,
    policy: mergePolicies(policies),
    client,
    ...(capacity && { capacity }),
    capabilities: resolveCapabilities(modelId, definition.capabilities, definition.capacity?.model),
  };
}

/** The table's capabilities for the model, overridden field by field by the config's. */
function resolveCapabilities(
  modelId: string,
  config: CapabilitiesConfig | undefined,
  capacityModel: string | undefined,
): ModelCapabilities {
  const { model, ...declared } = config ?? {};
  const merged: Record<string, unknown> = { ...knownCapabilities(modelId, model ?? capacityModel) };
  for (const [key, value] of Object.entries(declared)) if (value !== undefined) merged[key] = value;
  return merged as ModelCapabilities;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** Merges partial policies over the defaults, later ones winning part by part. */
export function mergePolicies(policies: readonly (PolicyConfig | undefined)[]): Policy {
  let policy: Policy = DEFAULT_POLICY;
  for (const layer of policies) {
    if (!layer) continue;
    policy = {
      retry: { ...policy.retry, ...layer.retry },
      // A breaker is replaced whole: the modes take different settings.
      breaker: layer.breaker ?? policy.breaker,
      timeouts: { ...policy.timeouts, ...layer.timeouts },
      bulkhead: layer.bulkhead === undefined ? policy.bulkhead : layer.bulkhead,
      dailyQuota: { ...policy.dailyQuota, ...layer.dailyQuota },
    };
  }
  return policy;
}
