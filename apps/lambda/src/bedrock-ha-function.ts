import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, type Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { HttpApi, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  type FunctionUrl,
  type FunctionUrlAuthType,
  InvokeMode,
  Function as LambdaFunction,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { type BedrockInvokeOptions, bedrockInvokeStatements } from './bedrock-invoke-statements.js';
import { CHUNK_DIRECTORY } from './bundle-layout.js';
import {
  CONFIG_FILE_NAME,
  type ConfigSource,
  deployedConfig,
  writeDeployedConfig,
} from './deployed-config.js';
import { frontDoorSettings } from './front-door-settings.js';
import { type BedrockHAStateStore, stateStoreSettings, vpcAccessStatement } from './state-store-settings.js';

/**
 * The name of the configuration file inside the deployed package: the configuration precompiled
 * at synth (validated, YAML turned into JSON, references kept), which the handler trusts at init.
 */
export const CONFIG_FILE = CONFIG_FILE_NAME;

/**
 * Properties of {@link BedrockHAFunction}. Give the configuration as `configPath` (bundled as
 * written, `${NAME}` references filled from the function's environment at init) or `config`.
 * Either way it is validated at synth, and `client.credentials`, `client.profile` and
 * `client.endpoint` are refused: the role supplies credentials.
 */
export interface BedrockHAFunctionProps extends ConfigSource {
  /** A directory holding `handler.mjs` (from `bundleHandler`); the config file is added to a copy. */
  readonly bundleDir: string;
  /** `nodejs24.x` (default) or `nodejs22.x`. */
  readonly runtime?: 'nodejs22.x' | 'nodejs24.x';
  /** Default 1024 MB. */
  readonly memorySize?: number;
  /**
   * Default 5 minutes (long answers stream for a while); 29 seconds, and at most that, behind an
   * HTTP API, whose integrations time out after 30 seconds.
   */
  readonly timeout?: Duration;
  /** Default one month. */
  readonly logRetention?: RetentionDays;
  /**
   * How clients reach the function: a Function URL in RESPONSE_STREAM mode (default; streams SSE
   * and event streams), an HTTP API (buffered; API Gateway cannot stream to HTTP APIs), or `none`
   * (direct invocation only, e.g. from Step Functions).
   */
  readonly frontDoor?: 'function-url' | 'http-api' | 'none';
  /** Function URL auth: AWS_IAM (default, callers sign with SigV4) or NONE (needs API keys then). */
  readonly functionUrlAuthType?: FunctionUrlAuthType;
  /**
   * The HTTP API's authorizer: IAM by default (callers sign with SigV4 for `execute-api`), or any
   * other route authorizer. `'none'` leaves the routes open and needs API keys (`apiKeysSecret` or
   * `environment.BEDROCK_HA_API_KEYS`).
   */
  readonly httpApiAuthorizer?: IHttpRouteAuthorizer | 'none';
  /**
   * A Secrets Manager secret holding the API keys (comma-separated), checked by the handler as
   * `Authorization: Bearer <key>` or `x-api-key`. CloudFormation fills `BEDROCK_HA_API_KEYS` from
   * it at deploy time, so the keys are in neither the template nor the asset.
   */
  readonly apiKeysSecret?: ISecret;
  /** See `bedrockInvokeStatements`. */
  readonly inferenceProfileRegions?: BedrockInvokeOptions['inferenceProfileRegions'];
  /** See `bedrockInvokeStatements`. */
  readonly applicationProfileModelArns?: BedrockInvokeOptions['applicationProfileModelArns'];
  /**
   * More environment variables: the values of the configuration's `${NAME}` references, ADOT's
   * `AWS_LAMBDA_EXEC_WRAPPER`... Never a secret in plain text: it would be in the template.
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * A Redis or ElastiCache endpoint shared by every execution environment (breakers, retry
   * budgets, usage windows): sets `BEDROCK_HA_STATE_URL`. An ElastiCache cache is reachable only
   * from its VPC: set `vpc` too.
   */
  readonly stateStore?: BedrockHAStateStore;
  /**
   * Runs the function in this VPC (to reach ElastiCache). Bedrock is then reached through the
   * VPC's egress: a `bedrock-runtime` interface endpoint (recommended) or a NAT gateway.
   */
  readonly vpc?: IVpc;
  /** The function's subnets in `vpc` (default: the VPC's private subnets); private, with egress to Bedrock. */
  readonly vpcSubnets?: SubnetSelection;
  /** The function's security groups (default: one new group allowing all outbound traffic). */
  readonly securityGroups?: ISecurityGroup[];
}

/**
 * A Lambda function serving a bedrock-ha configuration: arm64, Node.js 22 (or 24), the config
 * bundled as a file, a Function URL (AWS_IAM, RESPONSE_STREAM) or an HTTP API, a log group with
 * retention, and a role allowed to invoke exactly the Bedrock resources the configuration names.
 * With `stateStore` (and `vpc` for ElastiCache), every execution environment shares one state.
 */
export class BedrockHAFunction extends Construct {
  /** The function. */
  readonly function: LambdaFunction;
  /** Its Function URL, when `frontDoor` is `function-url`. */
  readonly functionUrl: FunctionUrl | undefined;
  /** Its HTTP API, when `frontDoor` is `http-api`. */
  readonly httpApi: HttpApi | undefined;

  constructor(scope: Construct, id: string, props: BedrockHAFunctionProps) {
    super(scope, id);
    const frontDoor = props.frontDoor ?? 'function-url';
    const door = frontDoorSettings(frontDoor, props);
    const state = stateStoreSettings(props);
    const region = Stack.of(this).region;
    // Validated with the variables the function will have, which is where references are resolved.
    const config = deployedConfig(props, {
      ...(Token.isUnresolved(region) ? {} : { AWS_REGION: region, AWS_DEFAULT_REGION: region }),
      ...door.environment,
      ...props.environment,
    });
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role rather than the basic execution role's managed policy, whose log permissions
    // name every log group: this one may write to its own log group and call its own models only.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(
      new PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const statements = bedrockInvokeStatements(config.resolved, {
      account: Stack.of(this).account,
      inferenceProfileRegions: props.inferenceProfileRegions,
      applicationProfileModelArns: props.applicationProfileModelArns,
    });
    for (const statement of statements) role.addToPolicy(statement);
    // The construct's own role, so CDK does not add the VPC access policy itself.
    if (props.vpc) role.addToPolicy(vpcAccessStatement());

    const directory = packageDirectory(props.bundleDir);
    const configFile = writeDeployedConfig(directory, config);
    this.function = new LambdaFunction(this, 'Function', {
      runtime: props.runtime === 'nodejs22.x' ? Runtime.NODEJS_22_X : Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      code: Code.fromAsset(directory),
      // The streaming export for a Function URL; the buffered one for API Gateway and direct calls.
      handler: frontDoor === 'function-url' ? 'handler.streamingHandler' : 'handler.handler',
      memorySize: props.memorySize ?? 1024,
      timeout: door.timeout,
      role,
      logGroup,
      environment: {
        BEDROCK_HA_CONFIG: configFile,
        NODE_OPTIONS: '--enable-source-maps',
        ...door.environment,
        ...state.environment,
        ...props.environment,
      },
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
    });
    state.connect(this.function);

    if (frontDoor === 'function-url') {
      this.functionUrl = this.function.addFunctionUrl({
        authType: door.functionUrlAuthType,
        invokeMode: InvokeMode.RESPONSE_STREAM,
      });
      new CfnOutput(this, 'FunctionUrl', { value: this.functionUrl.url });
    }
    if (frontDoor === 'http-api') {
      this.httpApi = new HttpApi(this, 'HttpApi', {
        defaultIntegration: new HttpLambdaIntegration('Integration', this.function),
        defaultAuthorizer: door.httpApiAuthorizer,
      });
      new CfnOutput(this, 'HttpApiUrl', { value: this.httpApi.apiEndpoint });
    }
  }
}

/** The deployment package: the bundle, its chunks and source maps (the configuration file is added next). */
function packageDirectory(bundleDir: string): string {
  const directory = join(bundleDir, 'package');
  // Emptied first, so a configuration file of an earlier synth (another name) is not deployed too.
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  for (const file of ['handler.mjs', 'handler.mjs.map'])
    copyFileSync(join(bundleDir, file), join(directory, file));
  const chunks = join(bundleDir, CHUNK_DIRECTORY);
  if (existsSync(chunks)) cpSync(chunks, join(directory, CHUNK_DIRECTORY), { recursive: true });
  return directory;
}
