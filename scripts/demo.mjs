#!/usr/bin/env node
// The AWS sample's walkthrough, run against the embedded simulator: requests go to a Provisioned
// Throughput in us-east-1; when its capacity runs out (from load, not a script) Bedrock throttles and
// the request is retried on on-demand Claude 3 Haiku in us-west-2, as the sample's script does.
// This is the sample's naive two-endpoint logic on purpose; `bedrock-ha demo` replaces it with the
// core engine's policies once the CLI lands.
import { BedrockRuntimeClient, ConverseCommand, ThrottlingException } from '@aws-sdk/client-bedrock-runtime';
import { startSimulator } from '@bedrock-ha/simulator';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PROMPT = 'what is the largest city in the world? only give the answer with no details';
const REQUESTS = Number(process.env.DEMO_REQUESTS ?? 12);
const INTERVAL_MS = 150;

// The SDK warns once per process that its 2027 releases need Node 22; this demo runs on 20 by design.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sim = await startSimulator({
  provisionedThroughputs: [
    // About three requests' worth of tokens at once, refilling at about three requests a second.
    {
      name: 'ha-test-model',
      region: 'us-east-1',
      modelId: `${HAIKU}:48k`,
      id: 'demo00000001',
      tokensPerMinute: 3_000,
      burstSeconds: 1,
    },
  ],
});
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };
const primary = new BedrockRuntimeClient({
  region: 'us-east-1',
  endpoint: sim.url,
  credentials,
  maxAttempts: 1,
});
const secondary = new BedrockRuntimeClient({
  region: 'us-west-2',
  endpoint: sim.url,
  credentials,
  maxAttempts: 1,
});
const ptArn = sim.provisionedThroughputs()[0].arn;
const messages = [{ role: 'user', content: [{ text: PROMPT }] }];

console.log(`Simulator listening on ${sim.url}`);
console.log('Using Regions: us-east-1 and us-west-2');
console.log(`Using prompt: ${PROMPT}`);
try {
  for (let index = 0; index < REQUESTS; index++) {
    const started = performance.now();
    try {
      const answer = await primary.send(new ConverseCommand({ modelId: ptArn, messages }));
      console.log(
        `${index}: From provisioned throughput in us-east-1: ${answer.output.message.content[0].text}`,
      );
    } catch (error) {
      if (!(error instanceof ThrottlingException)) throw error;
      console.log('Throttling detected, retrying with on-demand...');
      const answer = await secondary.send(new ConverseCommand({ modelId: HAIKU, messages }));
      console.log(
        `${index}: From on-demand throughput in us-west-2: ${answer.output.message.content[0].text}`,
      );
    }
    const wait = INTERVAL_MS - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  console.log('\nRequests seen by the simulator:');
  for (const counter of sim.counters()) {
    const outcomes = Object.entries(counter.outcomes)
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(', ');
    console.log(`  ${counter.region.padEnd(10)} ${counter.model.padEnd(68)} ${outcomes}`);
  }
} finally {
  primary.destroy();
  secondary.destroy();
  await sim.close();
}
