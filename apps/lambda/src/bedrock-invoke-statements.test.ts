import { describe, expect, it } from 'vitest';
import { bedrockInvokeStatements } from './bedrock-invoke-statements.js';

const account = '111122223333';
const chain = (modelId: string, region?: string) => ({
  chains: { only: { endpoints: [{ id: 'only', modelId, region }] } },
});
const resources = (statements: ReturnType<typeof bedrockInvokeStatements>) =>
  statements.map((statement) => statement.toStatementJson());

describe('bedrockInvokeStatements', () => {
  it('grants an on-demand model in its region only, with the partition of that region', () => {
    expect(
      resources(bedrockInvokeStatements(chain('amazon.nova-micro-v1:0', 'cn-north-1'), { account })),
    ).toEqual([
      {
        Sid: 'InvokeConfiguredModels',
        Effect: 'Allow',
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        Resource: 'arn:aws-cn:bedrock:cn-north-1::foundation-model/amazon.nova-micro-v1:0',
      },
    ]);
  });

  it('lets inferenceProfileRegions name the regions of one profile', () => {
    const [, routed] = bedrockInvokeStatements(chain('us.amazon.nova-pro-v1:0', 'us-east-1'), {
      account,
      inferenceProfileRegions: { 'us.amazon.nova-pro-v1:0': ['us-east-1', 'us-west-2'] },
    });

    expect(routed?.toStatementJson().Resource).toEqual([
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
      'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0',
    ]);
  });

  it('grants an application inference profile as written, and its models only through it', () => {
    const profile = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6';
    const model = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0';
    const [configured, routed] = bedrockInvokeStatements(chain(profile), {
      account,
      applicationProfileModelArns: [model],
    });

    expect(configured?.toStatementJson().Resource).toBe(profile);
    expect(routed?.toStatementJson()).toMatchObject({
      Resource: model,
      Condition: { StringEquals: { 'bedrock:InferenceProfileArn': [profile] } },
    });
  });

  it('refuses a geography it does not know, saying how to name its regions', () => {
    expect(() =>
      bedrockInvokeStatements(
        chain('arn:aws:bedrock:me-central-1:111122223333:inference-profile/me.anthropic.claude-v9:0'),
        { account },
      ),
    ).toThrow(/geography \("me"\).*inferenceProfileRegions: \{ "me"/);
  });

  it('rejects an invalid configuration with the core config error', () => {
    expect(() => bedrockInvokeStatements({ chains: {} } as never, { account })).toThrow(/configuration/);
  });
});
