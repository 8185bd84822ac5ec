import { Token } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, Port } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

/**
 * The Redis (Amazon ElastiCache, Valkey) the function's execution environments share their
 * breakers, retry budgets and usage windows through: `BEDROCK_HA_STATE_URL`. Give `url` or
 * `urlSecret`.
 */
export interface BedrockHAStateStore {
  /**
   * `redis://host:6379`, or `rediss://host:6379` for in-transit encryption, without a password (it
   * would be in the template). May hold tokens, such as a `CfnReplicationGroup`'s
   * `attrPrimaryEndPointAddress` and `attrPrimaryEndPointPort`.
   */
  readonly url?: string;
  /**
   * A Secrets Manager secret holding the whole URL, AUTH token or RBAC password included
   * (`rediss://default:<token>@host:6379`); CloudFormation fills `BEDROCK_HA_STATE_URL` from it at
   * deploy time, so the password is in neither the template nor the asset.
   */
  readonly urlSecret?: ISecret;
  /** The JSON field of `urlSecret` that holds the URL (default: the whole secret string). */
  readonly urlSecretField?: string;
  /**
   * The cache's security group: the function's security groups may then reach it on `port`
   * (an ingress rule on the cache's group). Needs `vpc`.
   */
  readonly securityGroup?: ISecurityGroup;
  /** The port of that ingress rule (default: the URL's, else 6379). */
  readonly port?: number;
}

/** The function props {@link stateStoreSettings} reads. */
export interface StateStoreProps {
  readonly stateStore?: BedrockHAStateStore;
  readonly vpc?: IVpc;
  readonly environment?: Readonly<Record<string, string>>;
}

/** What the state store adds to the function. */
export interface StateStoreSettings {
  readonly environment: Record<string, string>;
  /** Lets the function reach the cache, once the function exists (a no-op without a cache security group). */
  connect(fn: LambdaFunction): void;
}

/** Redis's default port. */
const REDIS_PORT = 6379;

/**
 * The actions Lambda needs to attach a function to a VPC (its Hyperplane network interfaces), as
 * in the managed `AWSLambdaVPCAccessExecutionRole`, without that policy's logs on every log group.
 * EC2 grants the Describe actions on `*` only.
 */
export function vpcAccessStatement(): PolicyStatement {
  return new PolicyStatement({
    sid: 'AttachToVpc',
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}

/**
 * `BEDROCK_HA_STATE_URL` from `props.stateStore`, checked at synth.
 * @throws Error with the fix, for a URL with a password, both or neither of `url` and `urlSecret`,
 *   a URL that is not a Redis URL, a cache security group without a VPC, or a
 *   `BEDROCK_HA_STATE_URL` also set in `environment`.
 */
export function stateStoreSettings(props: StateStoreProps): StateStoreSettings {
  const store = props.stateStore;
  if (!store) return { environment: {}, connect: () => {} };
  const fail = (message: string): never => {
    throw new Error(`BedrockHAFunction: stateStore ${message}`);
  };
  if (props.environment?.BEDROCK_HA_STATE_URL !== undefined)
    fail('and environment.BEDROCK_HA_STATE_URL are both set; keep stateStore and remove the variable');
  if (store.url !== undefined && store.urlSecret !== undefined)
    fail('has both url and urlSecret; pass only one (urlSecret when the URL holds a password)');
  if (store.url === undefined && store.urlSecret === undefined)
    fail('needs url (redis://host:6379) or urlSecret (a Secrets Manager secret holding the URL)');
  if (store.securityGroup && !props.vpc)
    fail("has a securityGroup but the function has no vpc; set vpc (and vpcSubnets) to the cache's VPC");
  let port = store.port ?? REDIS_PORT;
  let url: string;
  if (store.url !== undefined) {
    url = store.url;
    if (!Token.isUnresolved(url)) port = store.port ?? checkedUrl(url, fail);
  } else {
    const secret = store.urlSecret as ISecret;
    // A CloudFormation dynamic reference: the URL is resolved at deploy time, never in the template.
    url = (
      store.urlSecretField === undefined
        ? secret.secretValue
        : secret.secretValueFromJson(store.urlSecretField)
    ).unsafeUnwrap();
  }
  return {
    environment: { BEDROCK_HA_STATE_URL: url },
    connect: (fn) => {
      store.securityGroup?.connections.allowFrom(
        fn,
        Port.tcp(port),
        'bedrock-ha function to its state store',
      );
    },
  };
}

/** Checks a URL written out at synth: a Redis URL without a password. Its port. */
function checkedUrl(url: string, fail: (message: string) => never): number {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {}
  if (!parsed || !/^rediss?:$/.test(parsed.protocol) || !parsed.hostname)
    fail('url is not a Redis URL: use redis://host:6379, or rediss://host:6379 for TLS');
  const { password, port } = parsed as URL;
  if (password)
    fail(
      'url holds a password, which would be written into the template; put the whole URL in a Secrets Manager secret and pass it as urlSecret',
    );
  return port ? Number(port) : REDIS_PORT;
}
