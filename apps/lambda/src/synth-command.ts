// `pnpm -F @bedrock-ha/lambda-stack synth [config]`: bundles the handler and writes the
// CloudFormation template to cdk.out (or $CDK_OUTDIR when the cdk CLI runs this as its app),
// offline: no AWS call is made. Stack settings come from the environment:
// BEDROCK_HA_STACK_NAME, CDK_DEFAULT_ACCOUNT/REGION (set by the cdk CLI), BEDROCK_HA_RUNTIME,
// BEDROCK_HA_FRONT_DOOR (function-url | http-api | none).
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { BedrockHAStack } from './bedrock-ha-stack.js';
import { bundleHandler } from './bundle-handler.js';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const configPath = process.argv[2] ?? process.env.BEDROCK_HA_CONFIG ?? root('examples/bedrock-ha.yaml');
const bundle = await bundleHandler({ outDir: root('bundle') });

const app = new App({ outdir: process.env.CDK_OUTDIR ?? root('cdk.out') });
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const stack = new BedrockHAStack(app, process.env.BEDROCK_HA_STACK_NAME ?? 'BedrockHA', {
  env: account || region ? { account, region } : undefined,
  // Bundled as written: its ${NAME} references are filled from the function's environment at init,
  // so values read from this machine's environment never land in the deployment package.
  configPath,
  bundleDir: root('bundle'),
  runtime: process.env.BEDROCK_HA_RUNTIME === 'nodejs22.x' ? 'nodejs22.x' : 'nodejs24.x',
  frontDoor: (process.env.BEDROCK_HA_FRONT_DOOR as 'function-url' | 'http-api' | 'none') ?? 'function-url',
});
const assembly = app.synth();
console.log(`config: ${configPath}`);
console.log(`bundle: ${bundle.file} (${(bundle.bytes / 1024).toFixed(1)} KiB)`);
console.log(`template: ${assembly.getStackByName(stack.stackName).templateFullPath}`);
