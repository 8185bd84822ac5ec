// Benchmark 6b (`BENCH_ONLY=limitsTail`): issue 20's tail and new-connection figures alone, shorter
// than the whole limits run, with what is needed to tell the gateway's waits from the machine's. In
// one run, in front of one simulator, at concurrency 64 and 256, in rotating rounds: the simulator
// direct, the minimal proxy, and our server's two routes twice: as it was before the tail work
// (`before`: one listening socket, no queue-wait bound; BEDROCK_HA_ACCEPT_LISTENERS=1,
// BEDROCK_HA_MAX_QUEUE_WAIT_MS=0) and with its defaults. Per run: the client's p50/p99 over every
// answer and over the 200s alone, the share of retryable 503s and how fast they came, the longest
// wait of a new connection (the first `concurrency` connections open at once at the start), the
// prober's fresh connections (connection-prober.mjs, one every 100 ms, from a process of its own)
// and what the measuring processes cost: the load generator's share of a core and its event-loop
// delay, and the prober's. A wait either recorded includes that process's own lateness, so a row
// whose `measuredLateMs` is large says the measuring side, not the server, was late.
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
/** The server as it was before the tail work: one listening socket, no queue-wait bound. */
export const BEFORE_ENV = { BEDROCK_HA_ACCEPT_LISTENERS: '1', BEDROCK_HA_MAX_QUEUE_WAIT_MS: '0' };

async function startTargets(sim, oursEnv) {
  const proxy = await startMinimalProxy(sim.url);
  const before = await startOurs(sim.url, 'like-for-like', BEFORE_ENV);
  const ours = await startOurs(sim.url, 'like-for-like', oursEnv);
  const native = (base, model) => ({ url: `${base}/model/${model}/converse`, body: converseBody() });
  const openAI = (base) => ({ url: `${base}/v1/chat/completions`, body: openAIBody('haiku') });
  const targets = [
    { key: 'direct', name: 'simulator, direct (Converse)', pid: sim.pid, ...native(sim.url, HAIKU) },
    { key: 'proxy', name: 'minimal proxy (Converse)', pid: proxy.child.pid, ...native(proxy.baseUrl, HAIKU) },
    {
      key: 'beforeOpenAI',
      name: 'ours before, OpenAI route',
      pid: before.child.pid,
      ...openAI(before.baseUrl),
    },
    {
      key: 'beforeNative',
      name: 'ours before, Converse route',
      pid: before.child.pid,
      ...native(before.baseUrl, 'haiku'),
    },
    { key: 'oursOpenAI', name: 'ours, OpenAI route', pid: ours.child.pid, ...openAI(ours.baseUrl) },
    {
      key: 'oursNative',
      name: 'ours, Converse route',
      pid: ours.child.pid,
      ...native(ours.baseUrl, 'haiku'),
    },
  ];
  return { targets, children: [proxy.child, before.child, ours.child] };
}

/** One row from a target's runs at one concurrency. */
function rowOf(concurrency, target, runs) {
  const all = runs.reduce((sum, run) => sum + run.requests, 0);
  const most = (pick) => Math.max(...runs.map((run) => pick(run) ?? 0));
  const middle = (pick) => median(runs.map((run) => pick(run) ?? 0));
  return {
    concurrency,
    key: target.key,
    target: target.name,
    okPerSecond: middle((run) => run.requestsPerSecond),
    p50Ms: middle((run) => run.p50Ms),
    p99Ms: middle((run) => run.p99Ms),
    p99OverP50: round2(middle((run) => run.p99Ms / run.p50Ms)),
    servedP99OverP50: round2(middle((run) => run.servedP99Ms / run.servedP50Ms)),
    refusedShare: round2(runs.reduce((sum, run) => sum + (run.statuses[503] ?? 0), 0) / all),
    refusedP99Ms: most((run) => run.refusedP99Ms),
    newConnectionMaxWaitMs: most((run) => run.newConnectionMaxWaitMs),
    probeP50WaitMs: middle((run) => run.probeP50WaitMs),
    probeMaxWaitMs: most((run) => run.probeMaxWaitMs),
    // The measuring processes' own lateness: the worst event-loop delay of the load generator or prober.
    measuredLateMs: most((run) => Math.max(run.loadGeneratorLoopDelayMaxMs, run.proberLoopDelayMaxMs ?? 0)),
    loadGeneratorCpuShare: most((run) => run.loadGeneratorCpuShare),
  };
}

/** Every target at each concurrency in rotating rounds; one row per target and concurrency. */
export async function limitsTail({ seconds = 4, rounds = 2, oursEnv } = {}) {
  const sim = await startSimulatorProcess();
  let children = [];
  try {
    const started = await startTargets(sim, oursEnv);
    children = started.children;
    const { targets } = started;
    const rows = [];
    for (const concurrency of LIMIT_CONCURRENCIES) {
      const samples = await rotatingRounds(targets, rounds, (target) =>
        drive(target, { concurrency, seconds, probe: true }),
      );
      for (const [index, target] of targets.entries()) rows.push(rowOf(concurrency, target, samples[index]));
    }
    return { seconds, rounds, oursEnv, results: rows };
  } finally {
    await stopAll(children);
    await sim.stop();
  }
}

/** Prints the benchmark's table. */
export function printLimitsTail(result) {
  console.log(
    `\n6b. Limits, tail and new connections: ${result.rounds} rotating rounds per concurrency, before/after in one run\n`,
  );
  console.table(result.results.map(({ key, ...row }) => row));
}
