import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { BedrockHAFunction, type BedrockHAFunctionProps, bundleHandler } from '../src/index.js';
import { allowStatements, resourcesOf } from './stack-fixtures.js';

// The construct in a stack of the user's own, env-agnostic, with the other options.
let template: Template;
let bundleDir: string;
const JP_CONFIG: BedrockHAFunctionProps['config'] = {
  chains: {
    fast: {
      endpoints: [{ region: 'ap-northeast-1', modelId: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0' }],
    },
  },
};

/** A stack with the construct behind an HTTP API and these props. */
function httpApiStack(props: Partial<BedrockHAFunctionProps>): Template {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bedrock-ha-cdk-')) });
  const stack = new Stack(app, 'Other');
  new BedrockHAFunction(stack, 'Gateway', { config: JP_CONFIG, bundleDir, frontDoor: 'http-api', ...props });
  return Template.fromStack(stack);
}

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'bedrock-ha-bundle-'));
  await bundleHandler({ outDir: bundleDir, minify: false });
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bedrock-ha-cdk-')) });
  const stack = new Stack(app, 'MyApp');
  new BedrockHAFunction(stack, 'Gateway', {
    config: JP_CONFIG,
    bundleDir,
    runtime: 'nodejs22.x',
    frontDoor: 'http-api',
    logRetention: RetentionDays.ONE_WEEK,
    inferenceProfileRegions: { jp: ['ap-northeast-1', 'ap-northeast-3'] },
  });
  template = Template.fromStack(stack);
}, 120_000);

describe('BedrockHAFunction behind an HTTP API', { timeout: 120_000 }, () => {
  it('runs Node.js 22 on arm64 with the buffered handler behind an HTTP API, and no Function URL', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'handler.handler',
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it("answers within API Gateway's 30 s: a 29 s timeout, and an engine deadline the handler caps", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 29,
      Environment: { Variables: Match.objectLike({ BEDROCK_HA_MAX_DEADLINE_MS: '27000' }) },
    });
    expect(() => httpApiStack({ timeout: Duration.minutes(2) })).toThrow(
      /timeout 2 minutes is longer than an HTTP API waits.*at most 29 s/,
    );
  });

  it('requires callers to sign (IAM authorizer) by default', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'AWS_IAM' });
    template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { AuthorizationType: 'NONE' }, 0);
  });

  it('refuses an open HTTP API without API keys, saying how to fix it', () => {
    expect(() => httpApiStack({ httpApiAuthorizer: 'none' })).toThrow(
      /httpApiAuthorizer 'none' would deploy an endpoint anyone can call; set apiKeysSecret/,
    );
  });

  it('opens the routes only with API keys from a Secrets Manager secret, resolved at deploy time', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bedrock-ha-cdk-')) });
    const stack = new Stack(app, 'Keys');
    const secret = new Secret(stack, 'ApiKeys');
    new BedrockHAFunction(stack, 'Gateway', {
      config: JP_CONFIG,
      bundleDir,
      frontDoor: 'http-api',
      httpApiAuthorizer: 'none',
      apiKeysSecret: secret,
    });
    const keyed = Template.fromStack(stack);

    keyed.hasResourceProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'NONE' });
    const variables = Object.values(keyed.findResources('AWS::Lambda::Function'))[0]?.Properties.Environment
      .Variables;
    expect(JSON.stringify(variables.BEDROCK_HA_API_KEYS)).toContain('{{resolve:secretsmanager:');
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
