import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BedrockHAConfig } from '@bedrock-ha/core';
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  type FunctionUrl,
  FunctionUrlAuthType,
  InvokeMode,
  Function as LambdaFunction,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type BedrockInvokeOptions, bedrockInvokeStatements } from './bedrock-invoke-statements.js';

/** The name of the configuration file inside the deployed package. */
export const CONFIG_FILE = 'bedrock-ha.json';

/** Properties of {@link BedrockHAFunction}. */
export interface BedrockHAFunctionProps {
  /** The bedrock-ha configuration; it is validated at synth and bundled as `bedrock-ha.json`. */
  readonly config: BedrockHAConfig;
  /** A directory holding `handler.mjs` (from `bundleHandler`); the config file is added to a copy. */
  readonly bundleDir: string;
  /** `nodejs22.x` (default) or `nodejs24.x`. */
  readonly runtime?: 'nodejs22.x' | 'nodejs24.x';
  /** Default 1024 MB. */
  readonly memorySize?: number;
  /** Default 5 minutes: long answers stream for a while. */
  readonly timeout?: Duration;
  /** Default one month. */
  readonly logRetention?: RetentionDays;
  /**
   * How clients reach the function: a Function URL in RESPONSE_STREAM mode (default; streams SSE
   * and event streams), an HTTP API (buffered; API Gateway cannot stream to HTTP APIs), or `none`
   * (direct invocation only, e.g. from Step Functions).
   */
  readonly frontDoor?: 'function-url' | 'http-api' | 'none';
  /** Function URL auth: AWS_IAM (default, callers sign with SigV4) or NONE (use API keys then). */
  readonly functionUrlAuthType?: FunctionUrlAuthType;
  /** See `bedrockInvokeStatements`. */
  readonly inferenceProfileRegions?: BedrockInvokeOptions['inferenceProfileRegions'];
  /** See `bedrockInvokeStatements`. */
  readonly applicationProfileModelArns?: BedrockInvokeOptions['applicationProfileModelArns'];
  /** More environment variables, e.g. `BEDROCK_HA_API_KEYS` or ADOT's `AWS_LAMBDA_EXEC_WRAPPER`. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * A Lambda function serving a bedrock-ha configuration: arm64, Node.js 22 (or 24), the config
 * bundled as a file, a Function URL (AWS_IAM, RESPONSE_STREAM) or an HTTP API, a log group with
 * retention, and a role allowed to invoke exactly the Bedrock resources the configuration names.
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
    const statements = bedrockInvokeStatements(props.config, {
      account: Stack.of(this).account,
      inferenceProfileRegions: props.inferenceProfileRegions,
      applicationProfileModelArns: props.applicationProfileModelArns,
    });
    for (const statement of statements) role.addToPolicy(statement);

    this.function = new LambdaFunction(this, 'Function', {
      runtime: props.runtime === 'nodejs24.x' ? Runtime.NODEJS_24_X : Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      code: Code.fromAsset(packageDirectory(props.bundleDir, props.config)),
      // The streaming export for a Function URL; the buffered one for API Gateway and direct calls.
      handler: frontDoor === 'function-url' ? 'handler.streamingHandler' : 'handler.handler',
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(5),
      role,
      logGroup,
      environment: {
        BEDROCK_HA_CONFIG: `/var/task/${CONFIG_FILE}`,
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
    });

    if (frontDoor === 'function-url') {
      this.functionUrl = this.function.addFunctionUrl({
        authType: props.functionUrlAuthType ?? FunctionUrlAuthType.AWS_IAM,
        invokeMode: InvokeMode.RESPONSE_STREAM,
      });
      new CfnOutput(this, 'FunctionUrl', { value: this.functionUrl.url });
    }
    if (frontDoor === 'http-api') {
      this.httpApi = new HttpApi(this, 'HttpApi', {
        defaultIntegration: new HttpLambdaIntegration('Integration', this.function),
      });
      new CfnOutput(this, 'HttpApiUrl', { value: this.httpApi.apiEndpoint });
    }
  }
}

/** The deployment package: the bundle and its source map, with the configuration file added. */
function packageDirectory(bundleDir: string, config: BedrockHAConfig): string {
  const directory = join(bundleDir, 'package');
  mkdirSync(directory, { recursive: true });
  for (const file of ['handler.mjs', 'handler.mjs.map'])
    copyFileSync(join(bundleDir, file), join(directory, file));
  writeFileSync(join(directory, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  return directory;
}
