import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { InterfaceVpcEndpointAwsService, SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { BedrockHAFunction, type BedrockHAFunctionProps, bundleHandler } from '../src/index.js';
import { allowStatements } from './stack-fixtures.js';

let bundleDir: string;
const CONFIG = {
  chains: {
    chat: { endpoints: [{ region: 'us-west-2', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }] },
  },
};

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'bedrock-ha-bundle-'));
  await bundleHandler({ outDir: bundleDir, minify: false });
}, 120_000);

/**
 * The README's set-up: a VPC without NAT gateway whose private subnets reach Bedrock through a
 * bedrock-runtime interface endpoint, and an ElastiCache (Valkey) replication group in it.
 */
function network() {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bedrock-ha-cdk-')) });
  const stack = new Stack(app, 'Fleet', { env: { account: '111122223333', region: 'us-east-1' } });
  const vpc = new Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'app', subnetType: SubnetType.PRIVATE_ISOLATED }],
  });
  vpc.addInterfaceEndpoint('BedrockRuntime', { service: InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME });
  const cacheGroup = new SecurityGroup(stack, 'CacheSg', { vpc, allowAllOutbound: false });
  const subnets = new CfnSubnetGroup(stack, 'CacheSubnets', {
    description: 'bedrock-ha state',
    subnetIds: vpc.isolatedSubnets.map((subnet) => subnet.subnetId),
  });
  const cache = new CfnReplicationGroup(stack, 'Cache', {
    replicationGroupDescription: 'bedrock-ha state',
    engine: 'valkey',
    cacheNodeType: 'cache.t4g.micro',
    numCacheClusters: 1,
    transitEncryptionEnabled: true,
    cacheSubnetGroupName: subnets.ref,
    securityGroupIds: [cacheGroup.securityGroupId],
  });
  return { stack, vpc, cacheGroup, cache };
}

function synth(stack: Stack, props: Partial<BedrockHAFunctionProps>) {
  new BedrockHAFunction(stack, 'Gateway', { bundleDir, config: CONFIG, ...props } as BedrockHAFunctionProps);
  return Template.fromStack(stack);
}

const statementSid = (template: Template, sid: string) =>
  allowStatements(template).find((statement) => statement.Sid === sid);

describe('BedrockHAFunction with a shared state store', { timeout: 120_000 }, () => {
  it('puts the function in the VPC, points BEDROCK_HA_STATE_URL at ElastiCache and opens the cache port to it', () => {
    const { stack, vpc, cacheGroup, cache } = network();
    const template = synth(stack, {
      vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      stateStore: {
        url: `rediss://${cache.attrPrimaryEndPointAddress}:${cache.attrPrimaryEndPointPort}`,
        securityGroup: cacheGroup,
      },
    });

    const [functionId, fn] = Object.entries(template.findResources('AWS::Lambda::Function'))[0]!;
    const { VpcConfig, Environment } = fn.Properties;
    expect(VpcConfig.SubnetIds).toEqual(
      vpc.isolatedSubnets.map((subnet) => ({ Ref: stack.getLogicalId(subnet.node.defaultChild as never) })),
    );
    expect(VpcConfig.SecurityGroupIds).toHaveLength(1);
    const functionGroup = VpcConfig.SecurityGroupIds[0]['Fn::GetAtt'][0];
    expect(JSON.stringify(Environment.Variables.BEDROCK_HA_STATE_URL)).toContain(
      '"Fn::GetAtt":["Cache","PrimaryEndPoint.Address"]',
    );
    // The cache's group lets the function's group in on the cache's port, and nothing else.
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [stack.getLogicalId(cacheGroup.node.defaultChild as never), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [functionGroup, 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 6379,
      ToPort: 6379,
    });
    // Lambda checks at creation that the role may create the function's network interfaces.
    expect(statementSid(template, 'AttachToVpc')?.Action).toEqual(
      expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
    );
    expect(fn.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/RoleDefaultPolicy/)]));
    expect(functionId).toMatch(/^GatewayFunction/);
    // Bedrock through the interface endpoint (private DNS), no NAT gateway.
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime',
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
    });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('takes the URL (AUTH token included) from a secret, as a dynamic reference', () => {
    const { stack, vpc } = network();
    const secret = new Secret(stack, 'StateUrl');
    const template = synth(stack, { vpc, stateStore: { urlSecret: secret, urlSecretField: 'url' } });

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          BEDROCK_HA_STATE_URL: {
            'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^\\{\\{resolve:secretsmanager:')])],
          },
        }),
      },
    });
    expect(JSON.stringify(template.toJSON())).toContain(':SecretString:url::}}');
  });

  it('takes a plain URL without a VPC, for a Redis reachable over the internet', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bedrock-ha-cdk-')) });
    const stack = new Stack(app, 'Plain', { env: { account: '111122223333', region: 'us-east-1' } });
    const template = synth(stack, { stateStore: { url: 'rediss://cache.example.com:6380' } });

    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0]!;
    expect(fn.Properties.Environment.Variables.BEDROCK_HA_STATE_URL).toBe('rediss://cache.example.com:6380');
    expect(fn.Properties.VpcConfig).toBeUndefined();
    expect(statementSid(template, 'AttachToVpc')).toBeUndefined();
  });

  it('refuses a password in the URL, a URL that is not Redis, and a cache security group without a VPC', () => {
    const plain = () => {
      const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'bedrock-ha-cdk-')) });
      return new Stack(app, 'Bad', { env: { account: '111122223333', region: 'us-east-1' } });
    };
    expect(() => synth(plain(), { stateStore: { url: 'rediss://default:s3cret@cache:6379' } })).toThrow(
      /stateStore url holds a password, which would be written into the template; put the whole URL in a Secrets Manager secret and pass it as urlSecret/,
    );
    expect(() => synth(plain(), { stateStore: { url: 'rediss://default:s3cret@cache:6379' } })).not.toThrow(
      /s3cret/,
    );
    expect(() => synth(plain(), { stateStore: { url: 'http://cache:6379' } })).toThrow(
      /stateStore url is not a Redis URL: use redis:\/\/host:6379/,
    );
    expect(() => synth(plain(), { stateStore: {} })).toThrow(/stateStore needs url .* or urlSecret/);
    const { stack, cacheGroup } = network();
    expect(() =>
      synth(stack, { stateStore: { url: 'redis://cache:6379', securityGroup: cacheGroup } }),
    ).toThrow(/has a securityGroup but the function has no vpc; set vpc/);
    expect(() =>
      synth(plain(), {
        stateStore: { url: 'redis://cache:6379' },
        environment: { BEDROCK_HA_STATE_URL: 'redis://other:6379' },
      }),
    ).toThrow(/environment\.BEDROCK_HA_STATE_URL are both set/);
  });
});
