// Benchmark 9 (issue 17): a fleet of 8 engine instances, each in its own process
// (fleet-worker.mjs), against one simulator's PT of known capacity (with on-demand Haiku in
// us-west-2 as the fallback) at three times that capacity, the load split evenly between them.
// Four modes, each on a fresh simulator: reactive (breaker only, default policy) and admission
// (the PT's capacity declared), each with independent instances (every process's own memory)
// and with state shared on one real redis-server. Per mode: throttled PT attempts, the PT's
// utilization, failed requests and, shared, Redis commands per request (INFO commandstats).
// Then the latency a shared store adds to a request (fleet-latency.mjs).
import { fork } from 'node:child_process';
import { fleetLatency } from './fleet-latency.mjs';
import { summarizeLatencies } from './percentiles.mjs';
import { commandsBetween, startRedisProcess } from './redis-process.mjs';
import { startSimulatorProcess, UNLIMITED } from './simulator-process.mjs';

export { printFleetState } from './fleet-targets.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PT_ID = 'fleetpt00001';
const PT_ARN = `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/${PT_ID}`;
/** The PT's rate: 1,000 tokens a second, as in the capacity benchmark. */
const TOKENS_PER_MINUTE = 60_000;
const BURST_SECONDS = 1;
const INSTANCES = 8;
/**
 * The shared store's bound (`state.timeoutMs`, default 5 ms). Eight instances, the simulator and
 * Redis share this machine's 2 cores (with whatever else runs): a process waits for a core far
 * longer than 5 ms at times, and every such call would be decided on local state alone.
 */
const STORE_TIMEOUT_MS = Number(process.env.BENCH_FLEET_STORE_TIMEOUT_MS ?? 250);
const input = {
  messages: [
    {
      role: 'user',
      content: [{ text: 'In a few sentences, how does failover keep an application answering?' }],
    },
  ],
  inferenceConfig: { maxTokens: 40 },
};

const simulatorOptions = {
  quotas: { onDemand: UNLIMITED, reservation: 'max-tokens' },
  models: { '*': { firstTokenMs: 40, tokensPerSecond: 400 } },
  provisionedThroughputs: [
    {
      name: 'fleet-pt',
      region: 'us-east-1',
      modelId: `${HAIKU}:48k`,
      id: PT_ID,
      tokensPerMinute: TOKENS_PER_MINUTE,
      burstSeconds: BURST_SECONDS,
    },
  ],
};

export const MODES = {
  'reactive, independent': { admission: false, store: 'memory' },
  'reactive, shared': { admission: false, store: 'redis' },
  'admission, independent': { admission: true, store: 'memory' },
  'admission, shared': { admission: true, store: 'redis' },
};

/** Forks the fleet, waits until every instance is ready, runs the load; every instance's report. */
async function runFleet(workerOptions, load) {
  const script = new URL('./fleet-worker.mjs', import.meta.url).pathname;
  const workers = Array.from({ length: INSTANCES }, () =>
    fork(script, [JSON.stringify(workerOptions)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const next = (worker, type) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message.type !== type) return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code) => reject(new Error(`fleet worker exited ${code} before "${type}"`));
      worker.on('message', onMessage);
      worker.once('exit', onExit);
    });
  try {
    await Promise.all(workers.map((worker) => next(worker, 'ready')));
    const before = await load.before();
    const startAt = Date.now() + 300;
    const results = Promise.all(workers.map((worker) => next(worker, 'result')));
    workers.forEach((worker, rank) => {
      worker.send({
        type: 'start',
        startAt,
        rank,
        instances: INSTANCES,
        rate: load.rate,
        seconds: load.seconds,
      });
    });
    return { startAt, before, reports: (await results).map((message) => message.result) };
  } finally {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  }
}

/**
 * Redis's work per request: the commands the fleet sent (its store calls, one round trip each) and
 * the commands Redis ran (INFO commandstats: those sent, plus those inside the Lua scripts).
 */
function redisFigures(reports, commands, requests) {
  const sent = {};
  for (const { storeCalls } of reports)
    for (const [method, calls] of Object.entries(storeCalls)) sent[method] = (sent[method] ?? 0) + calls;
  const sentTotal = Object.values(sent).reduce((total, calls) => total + calls, 0);
  const perRequest = (count) => Number((count / requests).toFixed(2));
  return {
    redisCommandsSentPerRequest: perRequest(sentTotal),
    redisCommandsRunPerRequest: perRequest(commands.total),
    storeCallsPerRequest: Object.fromEntries(
      Object.entries(sent).map(([method, calls]) => [method, perRequest(calls)]),
    ),
    redisCommandsRun: commands.byCommand,
  };
}

/** One mode on a fresh simulator: the fleet's totals. */
async function runMode(mode, { admission, store }, { redis, rate, seconds }) {
  const sim = await startSimulatorProcess(simulatorOptions);
  try {
    const shared = store === 'redis';
    const { startAt, before, reports } = await runFleet(
      {
        simulatorUrl: sim.url,
        store,
        redisUrl: redis.url,
        keyPrefix: `fleet-${mode.replace(/[^a-z]+/g, '-')}:`,
        admission,
        capacity: { tokensPerMinute: TOKENS_PER_MINUTE, windowMs: 1_000 },
        ptArn: PT_ARN,
        haiku: HAIKU,
        input,
        timeoutMs: STORE_TIMEOUT_MS,
      },
      { rate, seconds, before: () => (shared ? redis.commands() : undefined) },
    );
    const commands = shared ? commandsBetween(before, await redis.commands()) : undefined;
    const sum = (key) => reports.reduce((total, report) => total + report[key], 0);
    const durationS = (Math.max(...reports.map((report) => report.endedAt)) - startAt - 100) / 1000;
    const { capacity } = await sim.admin('GET', 'capacity');
    const used = capacity[`provisioned:${PT_ARN}`]?.usedTokens ?? 0;
    // The PT's bucket starts full (one burst's worth) and refills at its rate: both are its allowance.
    const allowed = (TOKENS_PER_MINUTE * (durationS + BURST_SECONDS)) / 60;
    const requests = sum('requests');
    const ptThrottled = sum('ptThrottled');
    const ptSent = sum('ptServed') + ptThrottled;
    return {
      requests,
      failed: sum('failed'),
      ptServed: sum('ptServed'),
      ptThrottled,
      ptSent,
      ptThrottledPct: Number(((ptThrottled / Math.max(1, ptSent)) * 100).toFixed(1)),
      ptSpilled: sum('ptSpilled'),
      ptBreakerSkips: sum('ptBreakerSkips'),
      storeFallbacks: sum('storeFallbacks'),
      durationS: Number(durationS.toFixed(2)),
      ptUsedTokens: used,
      ptUtilizationPct: Number(((used / allowed) * 100).toFixed(1)),
      latency: summarizeLatencies(reports.flatMap((report) => report.latencies)),
      ...(commands && redisFigures(reports, commands, requests)),
    };
  } finally {
    await sim.stop();
  }
}

/** The actual tokens of one request (input + output), to size the load at 3x the PT's capacity. */
async function tokensPerRequest() {
  const { createBedrockHA } = await import('@bedrock-ha/core');
  const sim = await startSimulatorProcess(simulatorOptions);
  try {
    const ha = createBedrockHA(
      {
        client: { endpoint: sim.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
        chains: { pt: { endpoints: [{ modelId: PT_ARN }] } },
      },
      { telemetry: false },
    );
    const { usage } = await ha.converse('pt', input);
    ha.destroy();
    return usage.inputTokens + usage.outputTokens;
  } finally {
    await sim.stop();
  }
}

export async function fleetState({
  seconds = Number(process.env.BENCH_FLEET_SECONDS ?? 20),
  modes = process.env.BENCH_FLEET_MODES?.split(',').map((mode) => mode.trim()) ?? Object.keys(MODES),
} = {}) {
  const perRequest = await tokensPerRequest();
  const rate = Math.round((3 * TOKENS_PER_MINUTE) / 60 / perRequest);
  const redis = await startRedisProcess();
  try {
    const results = {};
    for (const mode of modes) results[mode] = await runMode(mode, MODES[mode], { redis, rate, seconds });
    const reactive = (kind) => results[`reactive, ${kind}`];
    const throttledReductionPct =
      reactive('independent') && reactive('shared')
        ? Number(
            (
              (1 - reactive('shared').ptThrottled / Math.max(1, reactive('independent').ptThrottled)) *
              100
            ).toFixed(1),
          )
        : undefined;
    return {
      seconds,
      instances: INSTANCES,
      storeTimeoutMs: STORE_TIMEOUT_MS,
      tokensPerMinute: TOKENS_PER_MINUTE,
      tokensPerRequest: perRequest,
      requestsPerSecond: rate,
      modes: results,
      throttledReductionPct,
      latency: await fleetLatency({ redis, ptArn: PT_ARN, haiku: HAIKU, input }),
    };
  } finally {
    await redis.stop();
  }
}
