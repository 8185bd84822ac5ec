import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPrecompiledConfig } from '@bedrock-ha/core';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BedrockHAStack, bundleHandler, CONFIG_FILE } from '../src/index.js';
import { allowStatements, EVERY_KIND_CONFIG, resourcesOf } from './stack-fixtures.js';

// One synth for the whole file: CDK synthesis is slow on a shared machine.
let template: Template;
let bundleDir: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'bedrock-ha-bundle-'));
  await bundleHandler({ outDir: bundleDir });
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bedrock-ha-cdk-')) });
  const stack = new BedrockHAStack(app, 'BedrockHA', {
    env: { account: '111122223333', region: 'us-east-1' },
    config: EVERY_KIND_CONFIG,
    bundleDir,
  });
  template = Template.fromStack(stack);
}, 120_000);

describe('BedrockHAStack with a Function URL (the default)', () => {
  it('runs Node.js 24 on arm64 with the streaming handler and the bundled config', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'handler.streamingHandler',
      Environment: {
        Variables: Match.objectLike({
          BEDROCK_HA_CONFIG: `/var/task/${CONFIG_FILE}`,
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
    // Precompiled at synth: the handler trusts it at init without loading the schema.
    const bundled = readFileSync(join(bundleDir, 'package', CONFIG_FILE), 'utf8');
    expect(readPrecompiledConfig(bundled, { env: {} })).toEqual({
      validated: true,
      config: EVERY_KIND_CONFIG,
    });
  });

  it('exposes a Function URL with AWS_IAM auth in RESPONSE_STREAM mode', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      InvokeMode: 'RESPONSE_STREAM',
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
  });

  it('keeps logs for a month in its own log group', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('allows exactly the configured Bedrock ARNs, and the models their profiles route to', () => {
    const statements = allowStatements(template);
    const bedrock = statements.filter((statement) => String(statement.Sid).startsWith('Invoke'));

    expect(bedrock.map((statement) => statement.Action)).toEqual([
      ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
    ]);
    const [configured, routed, global] = bedrock;
    expect(configured).toMatchObject({ Sid: 'InvokeConfiguredModels' });
    expect(configured?.Condition).toBeUndefined();
    expect(resourcesOf(configured)).toEqual([
      'arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.amazon.nova-micro-v1:0',
      'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0',
      'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0',
      'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456',
      'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    ]);

    const haiku = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map(
      (region) => `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0`,
    );
    const nova = [
      'eu-central-1',
      'eu-central-2',
      'eu-north-1',
      'eu-south-1',
      'eu-south-2',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
    ].map((region) => `arn:aws:bedrock:${region}::foundation-model/amazon.nova-micro-v1:0`);
    const sonnet = 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0';
    expect(resourcesOf(routed)).toEqual([...nova, sonnet, ...haiku].sort());
    expect(routed?.Condition).toEqual({
      StringEquals: {
        'bedrock:InferenceProfileArn': [
          'arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.amazon.nova-micro-v1:0',
          'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0',
          'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0',
        ],
      },
    });

    expect(resourcesOf(global)).toEqual([
      'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
    ]);
    expect(global?.Condition).toEqual({
      StringEquals: {
        'aws:RequestedRegion': 'unspecified',
        'bedrock:InferenceProfileArn': [
          'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0',
        ],
      },
    });
  });

  it('grants no wildcard resource in any policy, logs included', () => {
    const statements = allowStatements(template);
    const logs = statements.find((statement) => statement.Sid === 'WriteOwnLogs');

    expect(logs?.Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    for (const statement of statements)
      for (const resource of resourcesOf(statement)) expect(resource).not.toContain('*');
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });
});
