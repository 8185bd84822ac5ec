// Benchmark 6: how far the gateway is from what Node can do (issue 20). In one run, in front of one
// simulator, at concurrency 64 and 256: the simulator hit directly, a minimal pass-through proxy
// (minimal-proxy.mjs: node:http and an undici Pool, no signing), our server's OpenAI-compatible
// and Bedrock-native routes (like-for-like policy: one attempt, breaker off; each route its own
// server process, as every target has) and Portkey's gateway.
// Per target: the serving process's CPU per request over the measured window, throughput, the
// client's p50/p99, and the longest wait of a new connection for its first answer (the first
// requests of every connection, plus a fresh connection every 100 ms of the window from the
// connection prober's own process), the tail of the 200s alone and the share of retryable 503s
// shed under overload, and the measuring processes' own event-loop delay. Each round runs
// every target once in a rotating order; ratios are medians of per-round pairs. Then the same for
// streams (limits-streaming.mjs): CPU per stream against the minimal pipe, time to first token.
import {
  converseBody,
  drive,
  HAIKU,
  openAIBody,
  startMinimalProxy,
  startOurs,
  startPortkey,
  stopAll,
} from './gateway-processes.mjs';
import { limitsStreaming, printLimitsStreaming } from './limits-streaming.mjs';
import { median } from './percentiles.mjs';
import { rotatingRounds } from './rounds.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

export const LIMIT_CONCURRENCIES = [64, 256];
const round2 = (value) => Number(value.toFixed(2));
const round3 = (value) => Number(value.toFixed(3));

/** Starts every target; returns them with the processes to stop. */
async function startTargets(sim, oursEnv) {
  const proxy = await startMinimalProxy(sim.url);
  // One server per route, as every other target has its own process: sharing one, the route run
  // second found the server warm from the first, while the first met it after sitting idle through
  // the other targets' runs, and measured up to 1.5x the CPU per request (either route, when first).
  const oursForOpenAI = await startOurs(sim.url, 'like-for-like', oursEnv);
  const oursForNative = await startOurs(sim.url, 'like-for-like', oursEnv);
  const portkey = await startPortkey(sim.url);
  // BENCH_COMPARE_SDK=1: the same server on the SDK path too (BEDROCK_HA_TRANSPORT=sdk), measured in
  // the same rounds: the lean transport's before and after.
  const sdkEnv = { ...oursEnv, BEDROCK_HA_TRANSPORT: 'sdk' };
  const sdk =
    process.env.BENCH_COMPARE_SDK === '1'
      ? {
          forOpenAI: await startOurs(sim.url, 'like-for-like', sdkEnv),
          forNative: await startOurs(sim.url, 'like-for-like', sdkEnv),
        }
      : undefined;
  const native = (base, model) => ({ url: `${base}/model/${model}/converse`, body: converseBody() });
  const targets = [
    { key: 'direct', name: 'simulator, direct (Converse)', pid: sim.pid, ...native(sim.url, HAIKU) },
    { key: 'proxy', name: 'minimal proxy (Converse)', pid: proxy.child.pid, ...native(proxy.baseUrl, HAIKU) },
    {
      key: 'oursOpenAI',
      name: '@bedrock-ha/server, OpenAI route',
      pid: oursForOpenAI.child.pid,
      url: `${oursForOpenAI.baseUrl}/v1/chat/completions`,
      body: openAIBody('haiku'),
    },
    {
      key: 'oursNative',
      name: '@bedrock-ha/server, Converse route',
      pid: oursForNative.child.pid,
      ...native(oursForNative.baseUrl, 'haiku'),
    },
    { key: 'portkey', pid: portkey.child.pid, ...portkey },
  ];
  if (sdk)
    targets.push(
      {
        key: 'sdkOpenAI',
        name: "@bedrock-ha/server on transport 'sdk', OpenAI route",
        pid: sdk.forOpenAI.child.pid,
        url: `${sdk.forOpenAI.baseUrl}/v1/chat/completions`,
        body: openAIBody('haiku'),
      },
      {
        key: 'sdkNative',
        name: "@bedrock-ha/server on transport 'sdk', Converse route",
        pid: sdk.forNative.child.pid,
        ...native(sdk.forNative.baseUrl, 'haiku'),
      },
    );
  const sdkChildren = sdk ? [sdk.forOpenAI.child, sdk.forNative.child] : [];
  return {
    targets,
    children: [proxy.child, oursForOpenAI.child, oursForNative.child, portkey.child, ...sdkChildren],
  };
}

/** Per-round ratios of `runs` to `peers` as `value(run)`, summarised as median and range. */
function pairedRatio(runs, peers, value) {
  const ratios = runs.map((run, round) => value(run) / value(peers[round]));
  return {
    median: round2(median(ratios)),
    range: [round2(Math.min(...ratios)), round2(Math.max(...ratios))],
  };
}

/** The non-streaming targets, then the streaming ones (`streaming`: limits-streaming.mjs's result). */
export async function limits(options = {}) {
  const unary = await limitsUnary(options);
  return { ...unary, streaming: await limitsStreaming(options) };
}

/** Runs every target at each concurrency in rotating rounds; one row per target and concurrency. */
async function limitsUnary({ seconds = 4, rounds = 2, oursEnv } = {}) {
  const sim = await startSimulatorProcess();
  let children = [];
  try {
    const started = await startTargets(sim, oursEnv);
    children = started.children;
    const { targets } = started;
    // Every target once, unrecorded, before the rounds: a fresh process's JIT compilation and first
    // GCs would otherwise land in its round 1.
    for (const target of targets) await drive(target, { concurrency: LIMIT_CONCURRENCIES[0], seconds: 2 });
    const rows = [];
    for (const concurrency of LIMIT_CONCURRENCIES) {
      const samples = await rotatingRounds(targets, rounds, (target) =>
        drive(target, { concurrency, seconds, probe: true }),
      );
      const byKey = Object.fromEntries(targets.map((target, index) => [target.key, samples[index]]));
      const cpuPerRequest = (run) => (run.cpuSeconds * 1000) / run.requests;
      targets.forEach((target, index) => {
        const runs = samples[index];
        const row = {
          concurrency,
          key: target.key,
          target: target.name,
          requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
          p50Ms: median(runs.map((run) => run.p50Ms)),
          p99Ms: median(runs.map((run) => run.p99Ms)),
          p99OverP50: round2(median(runs.map((run) => run.p99Ms / run.p50Ms))),
          // The tail of the 200s alone, and the retryable 503s shed under overload (limits-tail.mjs).
          servedP99OverP50: round2(
            median(runs.map((run) => (run.servedP99Ms ?? 0) / (run.servedP50Ms ?? 1))),
          ),
          refusedShare: round2(
            runs.reduce((sum, run) => sum + (run.statuses[503] ?? 0), 0) /
              runs.reduce((sum, run) => sum + run.requests, 0),
          ),
          cpuMsPerRequest: round3(median(runs.map(cpuPerRequest))),
          newConnectionMaxWaitMs: Math.max(...runs.map((run) => run.newConnectionMaxWaitMs)),
          probeMaxWaitMs: Math.max(...runs.map((run) => run.probeMaxWaitMs)),
          // The measuring processes' own worst event-loop delay: a wait includes it (limits-tail.mjs).
          measuredLateMs: Math.max(
            ...runs.map((run) => Math.max(run.loadGeneratorLoopDelayMaxMs, run.proberLoopDelayMaxMs ?? 0)),
          ),
          errors: runs.reduce((sum, run) => sum + run.errors, 0),
          statuses: runs.map((run) => run.statuses),
        };
        if (target.key !== 'proxy' && target.key !== 'direct') {
          const cpu = pairedRatio(runs, byKey.proxy, cpuPerRequest);
          row.cpuVsProxy = cpu.median;
          row.cpuVsProxyRange = cpu.range;
        }
        if (target.key.startsWith('ours')) {
          const throughput = pairedRatio(runs, byKey.portkey, (run) => run.requestsPerSecond);
          row.throughputVsPortkey = throughput.median;
          row.throughputVsPortkeyRange = throughput.range;
        }
        rows.push(row);
      });
    }
    return { seconds, rounds, results: rows };
  } finally {
    await stopAll(children);
    await sim.stop();
  }
}

/** Prints the benchmark's table. */
export function printLimits(result) {
  console.log(
    `\n6. Limits: direct, minimal proxy, our routes and Portkey, ${result.rounds} rotating rounds per concurrency\n`,
  );
  const range = (values) => (values ? `${values[0]}-${values[1]}` : '');
  console.table(
    result.results.map(({ statuses, key, cpuVsProxyRange, throughputVsPortkeyRange, ...row }) => ({
      ...row,
      cpuVsProxy: row.cpuVsProxy === undefined ? '' : `${row.cpuVsProxy} (${range(cpuVsProxyRange)})`,
      throughputVsPortkey:
        row.throughputVsPortkey === undefined
          ? ''
          : `${row.throughputVsPortkey} (${range(throughputVsPortkeyRange)})`,
    })),
  );
  if (result.streaming) printLimitsStreaming(result.streaming);
}
