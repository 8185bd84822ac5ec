// Benchmark 4: our gateway (apps/server's startServer) against the Portkey AI gateway
// (`@portkey-ai/gateway`, its Node build) in front of the same simulator, with the same fallback
// (Claude 3 Haiku on-demand in us-east-1, then us-west-2), both through their OpenAI-compatible
// `POST /v1/chat/completions`. Portkey's Bedrock provider signs with SigV4 and honours
// `custom_host`, so both reach the simulator the same way. Our server runs twice: like-for-like
// (breaker off, one attempt per endpoint, as Portkey's fallback has neither a breaker nor retries),
// which is judged against the target, and with our defaults (breaker on), shown beside it. Each
// gateway, the simulator and the load generator run in their own processes; each round runs every
// gateway once, in a rotating order, and the ratios are medians of the per-round paired ratios.
import {
  drive as driveProcess,
  openAIBody,
  startOurs as startOursProcess,
  startPortkey,
  stopAll,
} from './gateway-processes.mjs';
import { median } from './percentiles.mjs';
import { rotatingRounds } from './rounds.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const CONCURRENCY = 64;

async function startOurs(simulatorUrl, { key, name, policy }) {
  const { child, baseUrl } = await startOursProcess(simulatorUrl, policy);
  return { key, name, child, url: `${baseUrl}/v1/chat/completions`, headers: {}, body: openAIBody('haiku') };
}

/** One load-generator run against `gateway`, its CPU sampled over the measured window alone. */
async function drive(gateway, seconds) {
  const run = await driveProcess(
    { url: gateway.url, headers: gateway.headers, body: gateway.body, pid: gateway.child.pid },
    { concurrency: CONCURRENCY, seconds },
  );
  return { ...run, gatewayCpuSeconds: run.cpuSeconds };
}

/** The median, lowest and highest of per-round ratios, rounded to two decimals. */
function ratioSummary(what, ratios) {
  if (!ratios.every(Number.isFinite))
    throw new RangeError(
      `${what}: per-round ratios ${ratios.join(', ')} are not all finite (a round with no answers?)`,
    );
  const round2 = (value) => Number(value.toFixed(2));
  return {
    median: round2(median(ratios)),
    min: round2(Math.min(...ratios)),
    max: round2(Math.max(...ratios)),
  };
}

/** Our two configurations: like-for-like (judged against the target) and our defaults. */
const OURS = [
  {
    key: 'likeForLike',
    name: '@bedrock-ha/server, like-for-like (breaker off, 1 attempt)',
    policy: 'like-for-like',
  },
  { key: 'default', name: '@bedrock-ha/server, with breaker (our default)', policy: 'default' },
];

/** Runs both scenarios in rotating rounds; returns one row per gateway and scenario. */
export async function gatewayThroughput({ seconds = 4, rounds = 3 } = {}) {
  const sim = await startSimulatorProcess();
  const gateways = [];
  const scenarios = [
    { key: 'healthy', name: 'primary healthy' },
    {
      key: 'failover',
      name: 'primary throttled: every request falls back',
      fault: { match: { region: 'us-east-1' }, fault: { type: 'error', error: 'ThrottlingException' } },
    },
  ];
  const rows = [];
  try {
    for (const ours of OURS) gateways.push(await startOurs(sim.url, ours));
    gateways.push({ key: 'portkey', ...(await startPortkey(sim.url)) });
    const portkeyIndex = gateways.length - 1;
    for (const scenario of scenarios) {
      const faultId = scenario.fault && (await sim.addFault(scenario.fault));
      const samples = await rotatingRounds(gateways, rounds, (gateway) => drive(gateway, seconds));
      if (faultId) await sim.removeFault(faultId);
      const peer = samples[portkeyIndex];
      gateways.forEach((gateway, index) => {
        const runs = samples[index];
        const cpuMsPerRequest = runs.map((run) => (run.gatewayCpuSeconds * 1000) / run.requests);
        const row = {
          scenario: scenario.name,
          gateway: gateway.name,
          key: gateway.key,
          requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
          p50Ms: median(runs.map((run) => run.p50Ms)),
          p99Ms: median(runs.map((run) => run.p99Ms)),
          gatewayCpuMsPerRequest: Number(median(cpuMsPerRequest).toFixed(3)),
          errors: runs.reduce((sum, run) => sum + run.errors, 0),
          statuses: runs.map((run) => run.statuses),
        };
        if (index !== portkeyIndex) {
          // Paired by round: the two ran back to back, so a round's load hits both alike.
          const throughput = ratioSummary(
            `${gateway.name} / Portkey req/s, ${scenario.name}`,
            runs.map((run, round) => run.requestsPerSecond / peer[round].requestsPerSecond),
          );
          const cpu = ratioSummary(
            `Portkey / ${gateway.name} CPU per request, ${scenario.name}`,
            runs.map(
              (run, round) =>
                peer[round].gatewayCpuSeconds / peer[round].requests / (run.gatewayCpuSeconds / run.requests),
            ),
          );
          row.throughputRatio = throughput.median;
          row.throughputRatioRange = [throughput.min, throughput.max];
          row.cpuAdvantage = cpu.median;
          row.cpuAdvantageRange = [cpu.min, cpu.max];
          // Only the like-for-like configuration is judged against the >= 1.5x target.
          row.judged = gateway.key === 'likeForLike';
        }
        rows.push(row);
      });
    }
    return { concurrency: CONCURRENCY, seconds, rounds, results: rows };
  } finally {
    await stopAll(gateways.map((gateway) => gateway.child));
    await sim.stop();
  }
}
