import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPrecompiledConfig } from '@bedrock-ha/core';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { BedrockHAFunction, type BedrockHAFunctionProps, bundleHandler } from '../src/index.js';
import { allowStatements, resourcesOf } from './stack-fixtures.js';

// What goes into the deployment package: the configuration as written, never a resolved copy.
let bundleDir: string;
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'bedrock-ha-bundle-'));
  await bundleHandler({ outDir: bundleDir, minify: false });
}, 120_000);

/** Synthesizes the construct into a fresh app; returns the template and the asset directory. */
function synth(props: Partial<BedrockHAFunctionProps>) {
  const outdir = mkdtempSync(join(tmpdir(), 'bedrock-ha-cdk-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Config', { env: { account: '111122223333', region: 'us-east-1' } });
  new BedrockHAFunction(stack, 'Gateway', { bundleDir, ...props } as BedrockHAFunctionProps);
  const template = Template.fromStack(stack);
  const asset = readdirSync(outdir).find((name) => name.startsWith('asset.'));
  if (!asset) throw new Error('no asset was staged');
  return { template, asset: join(outdir, asset) };
}

function configFile(text: string, extension = 'yaml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bedrock-ha-config-')), `bedrock-ha.${extension}`);
  writeFileSync(path, text);
  return path;
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax
const REGION_REF = '${HAIKU_REGION}';

// CDK synthesis is slow on a shared machine: generous per-test time.
describe('BedrockHAFunction configuration', { timeout: 120_000 }, () => {
  it('bundles the file precompiled as written, references unresolved, and resolves them only for the IAM policy', () => {
    const configPath = configFile(
      `chains:\n  chat:\n    endpoints:\n      - { region: "${REGION_REF}", modelId: ${HAIKU} }\n`,
    );

    const { template, asset } = synth({ configPath, environment: { HAIKU_REGION: 'eu-west-3' } });

    const bundled = readFileSync(join(asset, 'bedrock-ha.json'), 'utf8');
    expect(bundled).toContain(REGION_REF);
    expect(bundled).not.toContain('eu-west-3');
    // A reference is filled in at init, so the handler validates it there (the schema loads then).
    expect(readPrecompiledConfig(bundled, { env: { HAIKU_REGION: 'eu-west-3' } })?.validated).toBe(false);
    expect(readdirSync(asset).sort()).toEqual([
      'bedrock-ha.json',
      'chunks',
      'handler.mjs',
      'handler.mjs.map',
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          BEDROCK_HA_CONFIG: '/var/task/bedrock-ha.json',
          HAIKU_REGION: 'eu-west-3',
        }),
      },
    });
    const invoke = allowStatements(template).find((statement) => statement.Sid === 'InvokeConfiguredModels');
    expect(resourcesOf(invoke)).toEqual([`arn:aws:bedrock:eu-west-3::foundation-model/${HAIKU}`]);
  });

  it('deploys a configuration without references precompiled, which the handler trusts without the schema', () => {
    const configPath = configFile(
      `chains:\n  chat:\n    endpoints:\n      - { region: us-west-2, modelId: ${HAIKU} }\n`,
    );

    const { template, asset } = synth({ configPath });

    const read = readPrecompiledConfig(readFileSync(join(asset, 'bedrock-ha.json'), 'utf8'), { env: {} });
    expect(read).toEqual({
      validated: true,
      config: { chains: { chat: { endpoints: [{ region: 'us-west-2', modelId: HAIKU }] } } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BEDROCK_HA_CONFIG: '/var/task/bedrock-ha.json' }) },
    });
  });

  it('refuses an invalid object configuration at synth, as a file', () => {
    const config = { chains: { chat: { endpoints: [{ modelId: HAIKU }] } } };

    expect(() => synth({ config })).toThrow(/chains\.chat\.endpoints\.0\.region: is required/);
  });

  it("never writes values from the synth machine's environment into the package", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax
    const secretRef = '${LEAKY_SECRET}';
    process.env.LEAKY_SECRET = 'do-not-bundle-me';
    try {
      const configPath = configFile(
        `chains:\n  chat:\n    endpoints:\n      - { id: "east-${secretRef}", region: us-east-1, modelId: ${HAIKU} }\n`,
      );

      expect(() => synth({ configPath })).toThrow(
        /LEAKY_SECRET, which is not set \(add LEAKY_SECRET to the construct's `environment`/,
      );
    } finally {
      delete process.env.LEAKY_SECRET;
    }
  });

  it('refuses static credentials, naming the path, even as references', () => {
    const configPath = configFile(
      `client:\n  credentials:\n    accessKeyId: \${MY_KEY_ID}\n    secretAccessKey: \${MY_SECRET}\nchains:\n  chat:\n    endpoints: [{ region: us-west-2, modelId: ${HAIKU} }]\n`,
    );

    expect(() =>
      synth({ configPath, environment: { MY_KEY_ID: 'AKIDEXAMPLE', MY_SECRET: 'example' } }),
    ).toThrow(
      /client\.credentials: is not allowed in a deployed function \(the function's role supplies credentials/,
    );
  });

  it('refuses a profile and an endpoint URL on any client, as an object config too', () => {
    const config = {
      client: { profile: 'dev' },
      chains: {
        chat: {
          endpoints: [{ region: 'us-west-2', modelId: HAIKU, client: { endpoint: 'http://127.0.0.1:4010' } }],
        },
      },
    };

    expect(() => synth({ config })).toThrow(
      /client\.profile: is not allowed[\s\S]*chains\.chat\.endpoints\.0\.client\.endpoint: is not allowed/,
    );
  });

  it('refuses a Function URL without auth unless API keys are set', () => {
    const config = { chains: { chat: { endpoints: [{ region: 'us-west-2', modelId: HAIKU }] } } };

    expect(() => synth({ config, functionUrlAuthType: FunctionUrlAuthType.NONE })).toThrow(
      /functionUrlAuthType NONE would deploy a Function URL anyone can call; set apiKeysSecret/,
    );
    const { template } = synth({
      config,
      functionUrlAuthType: FunctionUrlAuthType.NONE,
      environment: { BEDROCK_HA_API_KEYS: 'from-a-pipeline-variable' },
    });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });
});
