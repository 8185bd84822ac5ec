import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../config/config-error.js';
import { parseConfigText } from '../config/load-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { knownCapabilities } from './model-capabilities.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PT_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456';

function issuesOf(config: unknown): readonly ConfigIssue[] {
  try {
    resolveConfig(config);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.issues;
    throw error;
  }
  return [];
}

function endpointOf(endpoint: Record<string, unknown>, chain: Record<string, unknown> = {}) {
  const { chains } = resolveConfig({ chains: { c: { endpoints: [endpoint], ...chain } } });
  return { endpoint: chains.get('c')!.endpoints[0]!, chain: chains.get('c')! };
}

describe('knownCapabilities', () => {
  it('finds a model by its id, an inference profile id or a foundation-model ARN', () => {
    const table = knownCapabilities(HAIKU);
    expect(table).toMatchObject({ contextWindow: 200_000, tools: true, images: true });
    expect(knownCapabilities(`us.${HAIKU}`)).toEqual(table);
    expect(knownCapabilities(`global.${HAIKU}`)).toEqual(table);
    expect(knownCapabilities(`arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`)).toEqual(table);
  });

  it('caps the window at a Provisioned Throughput’s context variant, named by the model', () => {
    expect(knownCapabilities(PT_ARN, `${HAIKU}:48k`).contextWindow).toBe(48_000);
    expect(knownCapabilities(PT_ARN)).toEqual({});
  });

  it('knows nothing of a model missing from the table: everything unknown', () => {
    expect(knownCapabilities('acme.model-v1:0')).toEqual({});
  });
});

describe('capabilities in the config', () => {
  it('override the table field by field', () => {
    const { endpoint } = endpointOf({
      region: 'us-east-1',
      modelId: HAIKU,
      capabilities: { tools: false, contextWindow: 1_000 },
    });
    expect(endpoint.capabilities).toMatchObject({ tools: false, contextWindow: 1_000, images: true });
  });

  it('name a PT’s model through capabilities.model, or capacity.model', () => {
    const named = endpointOf({ modelId: PT_ARN, capabilities: { model: `${HAIKU}:48k` } });
    expect(named.endpoint.capabilities).toMatchObject({ contextWindow: 48_000, tools: true });
    const viaCapacity = endpointOf({ modelId: PT_ARN, capacity: { model: HAIKU, modelUnits: 1 } });
    expect(viaCapacity.endpoint.capabilities?.contextWindow).toBe(200_000);
  });

  it('stripUnsupported: true means all three optional fields; leaving it out, none', () => {
    expect(
      endpointOf({ region: 'us-east-1', modelId: HAIKU }, { stripUnsupported: true }).chain.stripUnsupported,
    ).toEqual(['cachePoint', 'performanceConfig', 'serviceTier']);
    expect(endpointOf({ region: 'us-east-1', modelId: HAIKU }).chain.stripUnsupported).toEqual([]);
  });

  it('refuse a misspelt capability, a wrong type and a field that cannot be stripped, each by its path', () => {
    const issues = issuesOf({
      chains: {
        c: {
          stripUnsupported: ['tools'],
          endpoints: [
            { region: 'us-east-1', modelId: HAIKU, capabilities: { tool: false, contextWindow: '200k' } },
          ],
        },
      },
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'chains.c.endpoints.0.capabilities',
      'chains.c.endpoints.0.capabilities.contextWindow',
      'chains.c.stripUnsupported.0',
    ]);
    const misspelt = issues.find((issue) => issue.path === 'chains.c.endpoints.0.capabilities');
    expect(`${misspelt?.message} ${misspelt?.fix}`).toContain('tools');
  });
});

it("resolves the README's capabilities example as its comments say", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /```yaml\n((?:(?!```)[\s\S])*stripUnsupported[\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const yaml = block!.replace(/^ {2}/gm, '');
  const agent = resolveConfig(parseConfigText(yaml, 'yaml')).chains.get('agent')!;
  expect(agent.stripUnsupported).toEqual(['cachePoint']);
  const [sonnet, nova, llama] = agent.endpoints;
  expect(sonnet?.capabilities).toMatchObject({ structuredOutput: true, tools: true });
  expect(nova?.capabilities?.structuredOutput).toBeUndefined();
  expect(llama?.capabilities).toMatchObject({ contextWindow: 8_000, tools: false });
});
