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
  // The per-turn cap, for before/after runs (limitsTail): unset is the default.
  ...(process.env.BEDROCK_HA_MAX_REQUESTS_PER_TURN && {
    maxRequestsPerTurn: Number(process.env.BEDROCK_HA_MAX_REQUESTS_PER_TURN),
  }),
  // The turn queue's wait bound and the listening sockets, for before/after runs (limitsTail).
  ...(process.env.BEDROCK_HA_MAX_QUEUE_WAIT_MS && {
    maxQueueWaitMs: Number(process.env.BEDROCK_HA_MAX_QUEUE_WAIT_MS),
  }),
  ...(process.env.BEDROCK_HA_ACCEPT_LISTENERS && {
    acceptListeners: Number(process.env.BEDROCK_HA_ACCEPT_LISTENERS),
  }),
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
// BENCH_LOOP_DELAY=1: once a second on stderr, the server's event-loop delay (max, p99), its GC
// pauses (count, total, longest) and the CPU it used, to tell the server's own stalls apart.
if (process.env.BENCH_LOOP_DELAY) {
  const { monitorEventLoopDelay, PerformanceObserver } = await import('node:perf_hooks');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  let cpu = process.cpuUsage();
  setInterval(() => {
    const ms = (ns) => Math.round(ns / 1e6);
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    console.error(
      JSON.stringify({
        loopDelayMaxMs: ms(delay.max),
        loopDelayP99Ms: ms(delay.percentile(99)),
        gcCount: gc.count,
        gcTotalMs: Math.round(gc.totalMs),
        gcMaxMs: Math.round(gc.maxMs),
        cpuMs: Math.round((used.user + used.system) / 1000),
      }),
    );
    delay.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0 };
  }, 1000).unref();
}
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
