// Benchmark 6b (`BENCH_ONLY=limitsTail`): issue 20's tail and new-connection figures alone, shorter
// than the whole limits run, with what is needed to tell the gateway's waits from the machine's. In
// one run, in front of one simulator, at concurrency 64 and 256, in rotating rounds: the simulator
// direct, the minimal proxy, our server's two routes with the default in-flight bound, and the same
// server with `BEDROCK_HA_MAX_IN_FLIGHT` (BENCH_TAIL_MAX_IN_FLIGHT, default 64). Per run: the
// client's p50/p99, the longest wait of a new connection, the fresh connections' (probes') median
// and longest wait, the share of retryable 503s, and the load generator's own event-loop delay (a
// wait it records includes it: a long one says the measuring process was late, not the server).
import {
  converseBody,
  drive,
  HAIKU,
  openAIBody,
  startMinimalProxy,
  startOurs,
  stopAll,
} from './gateway-processes.mjs';
import { LIMIT_CONCURRENCIES } from './limits.mjs';
import { median } from './percentiles.mjs';
import { rotatingRounds } from './rounds.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const round2 = (value) => Number(value.toFixed(2));

async function startTargets(sim, bound) {
  const proxy = await startMinimalProxy(sim.url);
  const ours = await startOurs(sim.url, 'like-for-like');
  const bounded = await startOurs(sim.url, 'like-for-like', { BEDROCK_HA_MAX_IN_FLIGHT: String(bound) });
  const native = (base, model) => ({ url: `${base}/model/${model}/converse`, body: converseBody() });
  const openAI = (base) => ({ url: `${base}/v1/chat/completions`, body: openAIBody('haiku') });
  const targets = [
    { key: 'direct', name: 'simulator, direct (Converse)', pid: sim.pid, ...native(sim.url, HAIKU) },
    { key: 'proxy', name: 'minimal proxy (Converse)', pid: proxy.child.pid, ...native(proxy.baseUrl, HAIKU) },
    { key: 'oursOpenAI', name: 'ours, OpenAI route', pid: ours.child.pid, ...openAI(ours.baseUrl) },
    {
      key: 'oursNative',
      name: 'ours, Converse route',
      pid: ours.child.pid,
      ...native(ours.baseUrl, 'haiku'),
    },
    {
      key: 'boundedOpenAI',
      name: `ours, OpenAI route, maxInFlight ${bound}`,
      pid: bounded.child.pid,
      ...openAI(bounded.baseUrl),
    },
    {
      key: 'boundedNative',
      name: `ours, Converse route, maxInFlight ${bound}`,
      pid: bounded.child.pid,
      ...native(bounded.baseUrl, 'haiku'),
    },
  ];
  return { targets, children: [proxy.child, ours.child, bounded.child] };
}

/** Every target at each concurrency in rotating rounds; one row per target and concurrency. */
export async function limitsTail({ seconds = 4, rounds = 2, bound = 64 } = {}) {
  const sim = await startSimulatorProcess();
  let children = [];
  try {
    const started = await startTargets(sim, bound);
    children = started.children;
    const { targets } = started;
    const rows = [];
    for (const concurrency of LIMIT_CONCURRENCIES) {
      const samples = await rotatingRounds(targets, rounds, (target) =>
        drive(target, { concurrency, seconds, probe: true }),
      );
      targets.forEach((target, index) => {
        const runs = samples[index];
        const all = runs.reduce((sum, run) => sum + run.requests, 0);
        rows.push({
          concurrency,
          key: target.key,
          target: target.name,
          okPerSecond: median(runs.map((run) => run.requestsPerSecond)),
          p50Ms: median(runs.map((run) => run.p50Ms)),
          p99Ms: median(runs.map((run) => run.p99Ms)),
          p99OverP50: round2(median(runs.map((run) => run.p99Ms / run.p50Ms))),
          newConnectionMaxWaitMs: Math.max(...runs.map((run) => run.newConnectionMaxWaitMs)),
          probeP50WaitMs: median(runs.map((run) => run.probeP50WaitMs)),
          probeMaxWaitMs: Math.max(...runs.map((run) => run.probeMaxWaitMs)),
          refusedShare: round2(runs.reduce((sum, run) => sum + (run.statuses[503] ?? 0), 0) / all),
          loadGeneratorLoopDelayMaxMs: Math.max(...runs.map((run) => run.loadGeneratorLoopDelayMaxMs)),
        });
      });
    }
    return { seconds, rounds, bound, results: rows };
  } finally {
    await stopAll(children);
    await sim.stop();
  }
}

/** Prints the benchmark's table. */
export function printLimitsTail(result) {
  console.log(
    `\n6b. Limits, tail and new connections: ${result.rounds} rotating rounds per concurrency, bound ${result.bound}\n`,
  );
  console.table(result.results.map(({ key, ...row }) => row));
}
