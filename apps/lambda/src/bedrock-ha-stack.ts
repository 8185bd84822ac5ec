import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BedrockHAFunction, type BedrockHAFunctionProps } from './bedrock-ha-function.js';

/** Properties of {@link BedrockHAStack}: the stack's, and the function's. */
export interface BedrockHAStackProps extends StackProps, BedrockHAFunctionProps {}

/** A stack holding one {@link BedrockHAFunction}; use the construct directly to add it to your own stacks. */
export class BedrockHAStack extends Stack {
  /** The function and its front door. */
  readonly gateway: BedrockHAFunction;

  constructor(scope: Construct, id: string, props: BedrockHAStackProps) {
    super(scope, id, props);
    this.gateway = new BedrockHAFunction(this, 'BedrockHA', props);
  }
}
