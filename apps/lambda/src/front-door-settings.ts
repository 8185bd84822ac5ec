import { Duration } from 'aws-cdk-lib';
import { HttpNoneAuthorizer, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';

/** The props {@link frontDoorSettings} reads. */
export interface FrontDoorProps {
  readonly timeout?: Duration;
  readonly functionUrlAuthType?: FunctionUrlAuthType;
  readonly httpApiAuthorizer?: IHttpRouteAuthorizer | 'none';
  readonly apiKeysSecret?: ISecret;
  readonly environment?: Readonly<Record<string, string>>;
}

/** What the front door decides about the function. */
export interface FrontDoorSettings {
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly functionUrlAuthType: FunctionUrlAuthType;
  /** The HTTP API's default route authorizer (IAM unless the props name another, or `'none'`). */
  readonly httpApiAuthorizer: IHttpRouteAuthorizer;
}

/** API Gateway ends an integration after 30 s: the function must answer before that. */
export const HTTP_API_MAX_TIMEOUT = Duration.seconds(29);
/**
 * The engine's deadline behind an HTTP API, from the handler's start: 30 s minus a cold start's
 * init and the time to send the answer, so the client gets the gateway's own timeout answer
 * (408 `deadline_exceeded`) instead of API Gateway's bare 503.
 */
export const HTTP_API_MAX_DEADLINE_MS = 27_000;

/**
 * Timeout, environment and auth for the chosen front door. An open front door (an HTTP API
 * without authorizer, a Function URL with auth NONE) needs API keys, or the synth fails saying so.
 * @throws Error with the fix, for a timeout an HTTP API cannot wait for or an open endpoint.
 */
export function frontDoorSettings(
  frontDoor: 'function-url' | 'http-api' | 'none',
  props: FrontDoorProps,
): FrontDoorSettings {
  const environment: Record<string, string> = {};
  if (props.apiKeysSecret)
    // A CloudFormation dynamic reference: the keys are resolved at deploy time, never in the template.
    environment.BEDROCK_HA_API_KEYS = props.apiKeysSecret.secretValue.unsafeUnwrap();
  const hasKeys = props.apiKeysSecret !== undefined || Boolean(props.environment?.BEDROCK_HA_API_KEYS);
  const functionUrlAuthType = props.functionUrlAuthType ?? FunctionUrlAuthType.AWS_IAM;
  let timeout = props.timeout ?? Duration.minutes(5);
  let httpApiAuthorizer: IHttpRouteAuthorizer = new HttpIamAuthorizer();

  if (frontDoor === 'http-api') {
    if (props.timeout && props.timeout.toMilliseconds() > HTTP_API_MAX_TIMEOUT.toMilliseconds())
      throw new Error(
        `BedrockHAFunction: timeout ${props.timeout.toHumanString()} is longer than an HTTP API waits (30 s, so at most 29 s); lower it, or use frontDoor 'function-url' for long streamed answers`,
      );
    timeout = props.timeout ?? HTTP_API_MAX_TIMEOUT;
    environment.BEDROCK_HA_MAX_DEADLINE_MS = String(
      Math.min(HTTP_API_MAX_DEADLINE_MS, timeout.toMilliseconds()),
    );
    if (props.httpApiAuthorizer === 'none' && !hasKeys)
      throw new Error(
        "BedrockHAFunction: frontDoor 'http-api' with httpApiAuthorizer 'none' would deploy an endpoint anyone can call; set apiKeysSecret (a Secrets Manager secret holding comma-separated API keys), or keep the default IAM authorizer (callers sign with SigV4 for execute-api), or pass another authorizer",
      );
    if (props.httpApiAuthorizer === 'none') httpApiAuthorizer = new HttpNoneAuthorizer();
    else if (props.httpApiAuthorizer) httpApiAuthorizer = props.httpApiAuthorizer;
  }
  if (frontDoor === 'function-url' && functionUrlAuthType === FunctionUrlAuthType.NONE && !hasKeys)
    throw new Error(
      'BedrockHAFunction: functionUrlAuthType NONE would deploy a Function URL anyone can call; set apiKeysSecret (a Secrets Manager secret holding comma-separated API keys), or keep AWS_IAM (callers sign with SigV4 for lambda)',
    );
  return { timeout, environment, functionUrlAuthType, httpApiAuthorizer };
}
