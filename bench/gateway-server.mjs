// Runs @bedrock-ha/server (apps/server, built) in its own process for the gateway benchmark.
// Arguments: the simulator's URL, then the policy: `default` (our defaults: breaker on, 2 attempts
// per endpoint) or `like-for-like` (breaker off, one attempt per endpoint: what Portkey's fallback
// does, so the two are compared doing the same upstream work). Prints `{ url }` as one JSON line,
// then serves until SIGTERM.
import { startServer } from '../apps/server/dist/index.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const POLICIES = {
  default: undefined,
  'like-for-like': { retry: { maxAttempts: 1 }, breaker: { mode: 'off' } },
};
const [simulatorUrl, policyName = 'default'] = process.argv.slice(2);
if (!(policyName in POLICIES))
  throw new Error(`unknown policy "${policyName}": use one of ${Object.keys(POLICIES).join(', ')}`);
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  // Per-request logs off and no OpenTelemetry SDK: the peer gateway runs without either too.
  logLevel: 'warn',
  telemetry: false,
  // The benchmark may set the in-flight bound (limits.mjs's `oursEnv`); otherwise the default.
  ...(process.env.BEDROCK_HA_MAX_IN_FLIGHT && { maxInFlight: Number(process.env.BEDROCK_HA_MAX_IN_FLIGHT) }),
  config: {
    client: { endpoint: simulatorUrl, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
    policy: POLICIES[policyName],
    chains: {
      haiku: {
        endpoints: [
          { id: 'east', region: 'us-east-1', modelId: HAIKU },
          { id: 'west', region: 'us-west-2', modelId: HAIKU },
        ],
      },
    },
  },
});
console.log(JSON.stringify({ url: server.url }));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
