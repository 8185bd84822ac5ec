import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BedrockHAFunction, bundleHandler } from '../src/index.js';
import { allowStatements, resourcesOf } from './stack-fixtures.js';

// The construct in a stack of the user's own, env-agnostic, with the other options.
let template: Template;

beforeAll(async () => {
  const bundleDir = mkdtempSync(join(tmpdir(), 'bedrock-ha-bundle-'));
  await bundleHandler({ outDir: bundleDir, minify: false });
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bedrock-ha-cdk-')) });
  const stack = new Stack(app, 'MyApp');
  new BedrockHAFunction(stack, 'Gateway', {
    config: {
      chains: {
        fast: {
          endpoints: [{ region: 'ap-northeast-1', modelId: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0' }],
        },
      },
    },
    bundleDir,
    runtime: 'nodejs24.x',
    frontDoor: 'http-api',
    logRetention: RetentionDays.ONE_WEEK,
    inferenceProfileRegions: { jp: ['ap-northeast-1', 'ap-northeast-3'] },
  });
  template = Template.fromStack(stack);
}, 120_000);

describe('BedrockHAFunction behind an HTTP API', () => {
  it('runs Node.js 24 on arm64 with the buffered handler behind an HTTP API, and no Function URL', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'handler.handler',
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it("names a profile's ARN with the stack's account when the stack has no fixed environment", () => {
    const [configured, routed] = allowStatements(template).filter((statement) =>
      String(statement.Sid).startsWith('Invoke'),
    );

    expect(resourcesOf(configured)).toEqual([
      JSON.stringify({
        'Fn::Join': [
          '',
          [
            'arn:aws:bedrock:ap-northeast-1:',
            { Ref: 'AWS::AccountId' },
            ':inference-profile/jp.anthropic.claude-sonnet-4-5-20250929-v1:0',
          ],
        ],
      }),
    ]);
    expect(resourcesOf(routed)).toEqual([
      'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
  });
});
