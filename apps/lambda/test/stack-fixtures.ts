import type { BedrockHAConfig } from '@bedrock-ha/core';
import type { Template } from 'aws-cdk-lib/assertions';

/** A configuration with every kind of endpoint: PT, on-demand, geographic and global profiles, a profile ARN. */
export const EVERY_KIND_CONFIG: BedrockHAConfig = {
  chains: {
    'claude-haiku': {
      endpoints: [
        { id: 'pt-east', modelId: 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456' },
        { id: 'haiku-west', region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
        { id: 'haiku-us', region: 'us-east-1', modelId: 'us.anthropic.claude-3-haiku-20240307-v1:0' },
      ],
    },
    sonnet: {
      endpoints: [
        {
          id: 'sonnet-global',
          region: 'eu-west-1',
          modelId: 'global.anthropic.claude-sonnet-4-20250514-v1:0',
        },
      ],
    },
    nova: {
      endpoints: [
        {
          id: 'nova-eu',
          modelId: 'arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.amazon.nova-micro-v1:0',
        },
      ],
    },
  },
};

/** One IAM statement as it appears in the template. */
export interface TemplateStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every Allow statement of every IAM policy in the template. */
export function allowStatements(template: Template): TemplateStatement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as TemplateStatement[]).filter(
      (statement) => statement.Effect === 'Allow',
    ),
  );
}

/** A statement's resources as strings; CloudFormation functions are rendered as JSON. */
export function resourcesOf(statement: TemplateStatement | undefined): string[] {
  const resources = statement?.Resource;
  const list = Array.isArray(resources) ? resources : [resources];
  return list.map((resource) => (typeof resource === 'string' ? resource : JSON.stringify(resource)));
}
