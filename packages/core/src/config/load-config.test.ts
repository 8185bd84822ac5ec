// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests write ${NAME} references, not templates.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { loadConfig, parseConfigText } from './load-config.js';
import { resolveConfig } from './resolve-config.js';

const SEED_YAML = `# yaml-language-server: $schema=../bedrock-ha.schema.json
chains:
  claude-haiku:
    endpoints:
      - id: pt-east
        modelId: arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456   # kind and region inferred
      - id: haiku-west
        region: us-west-2
        modelId: anthropic.claude-3-haiku-20240307-v1:0
`;

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'bedrock-ha-load-config-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

/** The ConfigError a call throws. */
async function configError(run: () => unknown): Promise<ConfigError> {
  try {
    await run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function yaml(text: string, env: Record<string, string | undefined> = {}) {
  return parseConfigText(text, 'yaml', { env });
}

/** A YAML config whose one endpoint has these extra lines. */
function endpointYaml(...lines: string[]): string {
  return `chains:\n  haiku:\n    endpoints:\n      - region: us-west-2\n        modelId: anthropic.claude-3-haiku-20240307-v1:0\n${lines.map((line) => `        ${line}\n`).join('')}`;
}

function firstEndpoint(config: unknown): Record<string, unknown> {
  return (config as { chains: { haiku: { endpoints: Record<string, unknown>[] } } }).chains.haiku
    .endpoints[0]!;
}

describe('loadConfig', () => {
  it('loads the seed YAML config, ready to resolve', async () => {
    const config = await loadConfig(await file('seed.yaml', SEED_YAML), { env: {} });
    expect(config.chains['claude-haiku']?.endpoints).toHaveLength(2);
    const endpoints = resolveConfig(config).chains.get('claude-haiku')?.endpoints;
    expect(endpoints?.map(({ kind, region }) => [kind, region])).toEqual([
      ['provisioned', 'us-east-1'],
      ['on-demand', 'us-west-2'],
    ]);
  });

  it('loads .yml and .json files', async () => {
    const fromYml = await loadConfig(await file('seed.yml', SEED_YAML), { env: {} });
    const json = JSON.stringify({ $schema: './bedrock-ha.schema.json', ...fromYml }, null, 2);
    const fromJson = await loadConfig(await file('seed.json', json), { env: {} });
    expect(fromJson).toEqual({ $schema: './bedrock-ha.schema.json', ...fromYml });
  });

  it('says which path it tried when the file is missing', async () => {
    const error = await configError(() => loadConfig('no-such-dir/bedrock-ha.yaml'));
    expect(error.source).toBe('no-such-dir/bedrock-ha.yaml');
    expect(error.issues).toEqual([
      { path: '', message: `cannot read ${resolve('no-such-dir/bedrock-ha.yaml')}: no such file` },
    ]);
  });

  it('rejects a file of unknown format', async () => {
    const error = await configError(() => loadConfig(join(directory, 'bedrock-ha.toml')));
    expect(error.issues[0]?.fix).toBe('name the file .json, .yaml or .yml');
  });

  it('names the file in validation errors', async () => {
    const path = await file('typo.yaml', endpointYaml('kind: pt'));
    const error = await configError(() => loadConfig(path, { env: {} }));
    expect(error.source).toBe(path);
    expect(error.message).toContain(`in ${path}`);
    expect(error.issues).toEqual([
      {
        path: 'chains.haiku.endpoints.0.kind',
        message: 'expected one of "provisioned", "on-demand", "inference-profile", got "pt"',
      },
    ]);
  });

  it('reports semantic problems too, naming the file', async () => {
    const path = await file('reference.yaml', 'chains:\n  haiku:\n    endpoints: [pt-east]\n');
    const error = await configError(() => loadConfig(path, { env: {} }));
    expect(error.source).toBe(path);
    expect(error.issues[0]?.message).toBe('refers to endpoint "pt-east", which is not defined');
  });

  it('reads variables from process.env by default', async () => {
    vi.stubEnv('BEDROCK_HA_TEST_REGION', 'eu-west-1');
    try {
      const path = await file('env.yaml', SEED_YAML.replace('us-west-2', '${BEDROCK_HA_TEST_REGION}'));
      const config = await loadConfig(path);
      expect(config.chains['claude-haiku']?.endpoints[1]).toMatchObject({ region: 'eu-west-1' });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('parseConfigText: references', () => {
  it('fills in ${NAME} inside string values', () => {
    const config = yaml(endpointYaml('id: haiku-${STAGE}'), { STAGE: 'prod' });
    expect(firstEndpoint(config).id).toBe('haiku-prod');
  });

  it('uses the default of ${NAME:-default} when the variable is unset or empty', () => {
    const text = endpointYaml('id: ${ENDPOINT_ID:-haiku-west}');
    expect(firstEndpoint(yaml(text)).id).toBe('haiku-west');
    expect(firstEndpoint(yaml(text, { ENDPOINT_ID: '' })).id).toBe('haiku-west');
    expect(firstEndpoint(yaml(text, { ENDPOINT_ID: 'mine' })).id).toBe('mine');
  });

  it('keeps $${ as a literal ${', () => {
    const config = yaml(endpointYaml('client: { profile: "$${NOT_A_VARIABLE} costs $5" }'));
    expect(firstEndpoint(config).client).toEqual({ profile: '${NOT_A_VARIABLE} costs $5' });
  });

  it('turns a value that is one reference to a number or boolean into one', () => {
    const text = endpointYaml(
      'weight: ${WEIGHT}',
      'client: { http2: "${HTTP2}", maxSockets: "${SOCKETS:-16}" }',
      'policy: { timeouts: { attemptMs: "${ATTEMPT_MS}" } }',
    );
    const endpoint = firstEndpoint(yaml(text, { WEIGHT: '0.25', HTTP2: 'true', ATTEMPT_MS: '1e4' }));
    expect(endpoint.weight).toBe(0.25);
    expect(endpoint.client).toEqual({ http2: true, maxSockets: 16 });
    expect(endpoint.policy).toEqual({ timeouts: { attemptMs: 10_000 } });
  });

  it('keeps a reference within other text, or a number with a leading zero, a string', () => {
    const config = yaml(endpointYaml('id: "${A}${B}"', 'client: { profile: "${PROFILE}" }'), {
      A: '1',
      B: '2',
      PROFILE: '007',
    });
    expect(firstEndpoint(config)).toMatchObject({ id: '12', client: { profile: '007' } });
  });

  it('does not interpolate keys', () => {
    const error = (() => {
      try {
        yaml('chains:\n  ${CHAIN}:\n    endpoints: [x]\n', { CHAIN: 'haiku' });
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error?.issues[0]).toMatchObject({ path: 'chains.${CHAIN}' });
  });

  it('names the path and the variable when a variable is missing, and every one of them', async () => {
    const text = endpointYaml('id: ${ENDPOINT_ID}', 'client: { profile: "${AWS_PROFILE_NAME}" }');
    const error = await configError(() => parseConfigText(text, 'yaml', { env: {}, source: 'app.yaml' }));
    expect(error.source).toBe('app.yaml');
    expect(error.issues).toEqual<ConfigIssue[]>([
      {
        path: 'chains.haiku.endpoints.0.id',
        message: 'refers to the environment variable ENDPOINT_ID, which is not set',
        fix: 'export ENDPOINT_ID=... or write ${ENDPOINT_ID:-default}',
      },
      {
        path: 'chains.haiku.endpoints.0.client.profile',
        message: 'refers to the environment variable AWS_PROFILE_NAME, which is not set',
        fix: 'export AWS_PROFILE_NAME=... or write ${AWS_PROFILE_NAME:-default}',
      },
    ]);
  });

  it('rejects a malformed reference', async () => {
    const error = await configError(() => yaml(endpointYaml('id: "${1BAD}"')));
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: 'chains.haiku.endpoints.0.id',
        message: 'has a malformed reference "${1BAD}"',
      }),
    ]);
    const unterminated = await configError(() => yaml(endpointYaml('id: "x-${OPEN"')));
    expect(unterminated.issues[0]?.message).toBe('has a malformed reference "${"');
  });

  it('never echoes a secret that came from the environment', async () => {
    const text = endpointYaml(
      'client:',
      '  credentials:',
      '    accessKeyId: ${KEY_ID}',
      '    secretAccessKey: ${SECRET}',
      '    sessionToken: ${TOKEN}',
    );
    const error = await configError(() =>
      yaml(text, { KEY_ID: '12345', SECRET: 'true', TOKEN: 'AKIACANARY123' }),
    );
    expect(error.issues).toEqual([
      {
        path: 'chains.haiku.endpoints.0.client.credentials.accessKeyId',
        message: 'expected string, got a number from "${KEY_ID}" (value not shown)',
      },
      {
        path: 'chains.haiku.endpoints.0.client.credentials.secretAccessKey',
        message: 'expected string, got a boolean from "${SECRET}" (value not shown)',
      },
    ]);
    expect(error.message).not.toContain('12345');
    expect(error.message).not.toContain('CANARY');
  });

  it('never prints a value that came from a variable, in any setting: it names the reference', async () => {
    const secret = 'sk-live-hunter2-0123456789';
    const text = 'chains:\n  haiku:\n    endpoints:\n      - { modelId: m, region: "${SECRET}" }\n';
    const region = await configError(() => yaml(text, { SECRET: secret }));
    expect(region.issues).toEqual([
      {
        path: 'chains.haiku.endpoints.0.region',
        message: 'an AWS region such as us-east-1, got a string from "${SECRET}" (value not shown)',
      },
    ]);
    const timeout = await configError(() =>
      yaml(`policy:\n  timeouts: { attemptMs: "\${T}" }\n${endpointYaml()}`, { T: '9007199254740991' }),
    );
    expect(timeout.message).toContain('got a number from "${T}" (value not shown)');
    expect(timeout.message).not.toContain('9007199254740991');
  });

  it('hides a variable’s value in semantic problems too, even within other text', async () => {
    const secret = 'sk-live-hunter2-0123456789';
    const text = [
      'chains:',
      '  haiku:',
      '    endpoints:',
      '      - { id: "${ID}", region: us-west-2, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
      '      - { id: "${ID}", region: us-east-1, modelId: anthropic.claude-3-haiku-20240307-v1:0 }',
      '      - { id: x, modelId: "arn:aws:bedrock:us-east-1:${ACCOUNT}:nothing/abc" }',
    ].join('\n');
    const error = await configError(() => yaml(text, { ID: secret, ACCOUNT: '987654321098' }));
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('987654321098');
    expect(error.message).toContain('endpoint id "${ID}" appears twice in chain "haiku"');
    expect(error.message).toContain('"arn:aws:bedrock:us-east-1:${ACCOUNT}:nothing/abc"');
  });
});

describe('parseConfigText: syntax', () => {
  it('reports a YAML syntax error with its line and column, without quoting the line', async () => {
    const text =
      'chains:\n  haiku:\n    endpoints:\n      - modelId: x\n        secretAccessKey: AKIACANARY123: oops\n';
    const error = await configError(() => parseConfigText(text, 'yaml', { source: 'bad.yaml' }));
    expect(error.source).toBe('bad.yaml');
    expect(error.issues[0]?.message).toMatch(/^YAML syntax error at line 5, column \d+: /);
    expect(error.message).not.toContain('CANARY');
  });

  it('reports a duplicate YAML key', async () => {
    const error = await configError(() => yaml('chains: {}\nchains: {}\n'));
    expect(error.issues[0]?.message).toBe('YAML syntax error at line 2, column 1: Map keys must be unique');
  });

  it('reports a JSON syntax error with its line and column', async () => {
    const text = '{\n  "chains": {\n    "haiku": { "endpoints": ["x"], }\n  }\n}\n';
    const error = await configError(() => parseConfigText(text, 'json', { source: 'bad.json' }));
    expect(error.issues).toEqual([
      { path: '', message: 'JSON syntax error at line 3, column 36: Expected double-quoted property name' },
    ]);
  });

  it('finds the place of a bad JSON token, without quoting the text around it', async () => {
    const text =
      '{\n  "client": { "credentials": { "accessKeyId": "AKIACANARY123", "secretAccessKey": tru } }\n}\n';
    const error = await configError(() => parseConfigText(text, 'json'));
    expect(error.issues).toEqual([
      { path: '', message: "JSON syntax error at line 2, column 86: Unexpected token ' '" },
    ]);
    expect(error.message).not.toContain('CANARY');
  });

  it('reports a JSON file that ends too soon at its end', async () => {
    const error = await configError(() => parseConfigText('{\n  "chains": ', 'json'));
    expect(error.issues[0]?.message).toBe(
      'JSON syntax error at line 2, column 13: Unexpected end of JSON input',
    );
  });

  it('refuses a YAML file whose aliases expand without end', async () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [index, name] of ['b', 'c', 'd', 'e', 'f'].entries()) {
      const previous = String.fromCharCode(97 + index);
      laughs.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    const error = await configError(() => yaml(laughs.join('\n')));
    expect(error.issues[0]?.message).toMatch(/^YAML error: /);
  });

  it('reports an empty file', async () => {
    const error = await configError(() => yaml('# nothing yet\n'));
    expect(error.issues).toEqual([
      { path: '', message: 'is empty', fix: 'define at least one chain under "chains"' },
    ]);
  });
});
