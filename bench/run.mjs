#!/usr/bin/env node
// `pnpm bench`: runs every benchmark, prints a table per benchmark and one of every figure against
// its target, and writes bench/results/*.json. Exits non-zero only when a benchmark errors, never
// on a missed target: these machines are shared and noisy, so targets are read as ratios measured
// side by side in one run. `BENCH_ONLY=latency,failover` runs some (names: the keys of BENCHMARKS)
// and merges their rows into results/targets.json, keeping the other benchmarks' rows.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { adaptiveRouting } from './adaptive-routing.mjs';
import { cacheAffinity } from './cache-affinity.mjs';
import { capacityAdmission } from './capacity-admission.mjs';
import { coreLatency } from './core-latency.mjs';
import { coreOverhead } from './core-overhead.mjs';
import { failoverCost } from './failover-cost.mjs';
import { fleetState, printFleetState } from './fleet-state.mjs';
import { gatewayThroughput } from './gateway-throughput.mjs';
import { inFlightHeap } from './in-flight-heap.mjs';
import { lambdaColdStart } from './lambda-cold-start.mjs';
import { limits, printLimits } from './limits.mjs';
import { limitsTail, printLimitsTail } from './limits-tail.mjs';
import { memoryGrowth } from './memory-growth.mjs';
import {
  printCoreOverhead,
  printSimulatorOverhead,
  printSimulatorThroughput,
} from './simulator-and-overhead-tables.mjs';
import { simulatorOverhead } from './simulator-overhead.mjs';
import { simulatorThroughput } from './simulator-throughput.mjs';
import { targetRows } from './targets.mjs';
import { mergedTargets } from './targets-file.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const machine = {
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
};
/** The 1-minute load average: other work on a shared machine shows in every figure. */
const load = () => Number(os.loadavg()[0].toFixed(2));
const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
const write = (name, result, loadAverage) =>
  writeFileSync(
    new URL(`${name}.json`, resultsDir),
    `${JSON.stringify({ date: new Date().toISOString(), machine: { ...machine, loadAverage }, ...result }, null, 2)}\n`,
  );

/** Each benchmark: how to run it, and how to print what it returned (results also go to JSON). */
const BENCHMARKS = {
  simulator: {
    file: 'simulator-throughput',
    run: async () => ({ seconds, results: await simulatorThroughput({ seconds }) }),
    print: printSimulatorThroughput,
  },
  simulatorOverhead: {
    file: 'simulator-overhead',
    run: () => simulatorOverhead(),
    print: printSimulatorOverhead,
  },
  latency: {
    file: 'core-latency',
    run: () => coreLatency(),
    print: (result) => {
      console.log(
        '\n1. Core hot path: one request at a time, interleaved request by request, vs the raw SDK\n',
      );
      console.table(
        result.results.map(({ phase, name, samples, p50Ms, p99Ms, p50Ratio, addedUs }) => ({
          phase,
          target: name,
          samples,
          'p50 ms': p50Ms,
          'p99 ms': p99Ms,
          'p50 x raw': p50Ratio,
          'added µs (median of pairs)': addedUs,
        })),
      );
    },
  },
  overhead: {
    file: 'core-overhead',
    run: () =>
      coreOverhead({ seconds, rounds: Number(process.env.BENCH_ROUNDS ?? 3), memoryRequests: 2_000 }),
    print: printCoreOverhead,
  },
  inFlight: {
    file: 'in-flight-heap',
    run: () => inFlightHeap(),
    print: (result) => {
      console.log(
        `\n6. Heap per request in flight: ${result.requests} Converse calls waiting ${result.latencyMs} ms, after forced GCs, median of ${result.rounds} rounds\n`,
      );
      console.table(Object.fromEntries(result.results.map(({ name, key: _, ...row }) => [name, row])));
    },
  },
  failover: {
    file: 'failover-cost',
    run: () => failoverCost(),
    print: (result) => {
      console.log(`\n2. Failover cost: ${result.requests} interleaved rounds, one request at a time\n`);
      console.table(result.latencies);
      console.log(
        `failover adds ${result.failoverAddedMs} ms beyond the primary's error and the fallback's answer; ` +
          `an open breaker's skip adds ${result.skipAddedMs} ms (skipped attempt p50 ${result.skipAttemptP50Ms} ms)`,
      );
    },
  },
  memory: {
    file: 'memory',
    run: () => memoryGrowth({ requests: Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000) }),
    print: ({ runs }) => {
      console.log(
        '\n3. Memory: heap after forced GCs through a failing-over chain (primary always throttled)\n',
      );
      const [first] = runs;
      console.table(
        first.samples.map(({ requests }, index) => ({
          requests,
          ...Object.fromEntries(
            runs.map((run) => [
              `heap MB, breaker ${run.breaker}`,
              Number((run.samples[index].heapBytes / 2 ** 20).toFixed(2)),
            ]),
          ),
        })),
      );
      for (const { samples, ...run } of runs) console.log(run);
    },
  },
  gateway: {
    file: 'gateway-throughput',
    run: () => gatewayThroughput({ seconds, rounds: Number(process.env.BENCH_ROUNDS ?? 3) }),
    print: (result) => {
      console.log(
        `\n4. Gateway throughput at concurrency ${result.concurrency}, ${result.rounds} rotating rounds ` +
          '(ratios: median of per-round pairs with Portkey, and their range)\n',
      );
      const range = (values) => (values ? `${values[0]}-${values[1]}` : '');
      console.table(
        result.results.map(({ statuses, key, throughputRatioRange, cpuAdvantageRange, judged, ...row }) => ({
          ...row,
          throughputRatio: row.throughputRatio ?? '',
          'ratio range': range(throughputRatioRange),
          cpuAdvantage: row.cpuAdvantage ?? '',
          'cpu range': range(cpuAdvantageRange),
          judged: judged === undefined ? '' : judged ? 'yes' : 'no',
        })),
      );
    },
  },
  lambda: {
    file: 'lambda',
    run: () => lambdaColdStart(),
    print: (result) => {
      console.log('\n5. Lambda bundle and cold init (fresh processes)\n');
      console.table(result);
    },
  },
  adaptive: {
    file: 'adaptive-routing',
    run: () => adaptiveRouting({ seconds }),
    print: (result) => {
      console.log(
        `\n7. Adaptive routing: us-east-1 ${result.slowMs} ms slower and listed first, ${result.concurrency} in flight, ${result.seconds} s each\n`,
      );
      console.table({ ordered: result.ordered, adaptive: result.adaptive });
      console.log(
        `adaptive p50 / ordered p50 ${result.p50Ratio}x; after us-east-1 recovers and us-west-2 slows, 80% of the last 20 requests go east after ${result.rebalanceMs} ms (${result.rebalanceRequests} requests); with both as fast, us-east-1 gets ${result.equalEastShare} of traffic`,
      );
    },
  },
  capacity: {
    file: 'capacity-admission',
    run: () => capacityAdmission(),
    print: (result) => {
      console.log(
        `\n8. Token-aware admission: the seed's chain at 3x the PT's capacity (${result.requestsPerSecond} req/s of ~${result.tokensPerRequest} tokens, PT ${result.tokensPerMinute} tokens/min) for ${result.seconds} s\n`,
      );
      console.table(
        Object.entries(result.modes).map(([mode, { latency, ...row }]) => ({ mode, ...row, ...latency })),
      );
      console.log(
        `admission's own cost ${result.admissionCostUs} µs/request; input estimator vs the simulator's counts: ` +
          `mean ${result.estimator.meanPct}% (|mean| ${result.estimator.meanAbsolutePct}%), min ${result.estimator.minPct}%, max ${result.estimator.maxPct}%`,
      );
    },
  },
  affinity: {
    file: 'cache-affinity',
    run: () => cacheAffinity(),
    print: (result) => {
      console.log(
        `\n10. Cache affinity: ${result.sessions} sessions x ${result.turns} turns over ${result.endpoints} equivalent endpoints, ${result.concurrency} in flight\n`,
      );
      console.table({ affinity: result.affinity, weighted: result.weighted });
      const { failover } = result;
      console.log(
        `affinity / weighted hit rate ${result.hitRateRatio}x; ${failover.down} throttled: ${Math.round(failover.outageOffHome * 100)}% of the turns of its ${failover.homedSessions} sessions served elsewhere, ` +
          `${failover.outageStandInsPerSession} stand-in(s) per session, hits after the first outage turn ${Math.round(failover.outageHitRateAfterFirst * 100)}%; ` +
          `back home ${failover.returnMs} ms after recovery (cool-down ${failover.halfOpenAfterMs} ms), ${Math.round(failover.returnedHome * 100)}% returned, ${Math.round(failover.homeCacheReadOnReturn * 100)}% read the home's cache`,
      );
    },
  },
  limits: {
    file: 'limits',
    run: () => limits({ seconds, rounds: Number(process.env.BENCH_ROUNDS ?? 2) }),
    print: printLimits,
  },
  limitsTail: {
    file: 'limits-tail',
    run: () =>
      limitsTail({
        seconds,
        rounds: Number(process.env.BENCH_ROUNDS ?? 2),
        // BENCH_TAIL_ENV: extra environment (JSON) for the `ours` server, e.g. {"BEDROCK_HA_MAX_QUEUE_WAIT_MS":"50"}.
        oursEnv: process.env.BENCH_TAIL_ENV ? JSON.parse(process.env.BENCH_TAIL_ENV) : undefined,
      }),
    print: printLimitsTail,
  },
  fleet: { file: 'fleet-state', run: () => fleetState(), print: printFleetState },
};

const outcomes = {};
/** Each benchmark's load average before and after it ran. */
const loads = {};
let failed = false;
for (const [name, benchmark] of Object.entries(BENCHMARKS)) {
  if (only && !only.includes(name)) continue;
  try {
    const loadBefore = load();
    const result = await benchmark.run();
    benchmark.print(result);
    loads[name] = { before: loadBefore, after: load() };
    write(benchmark.file, result, loads[name]);
    outcomes[name] = result;
  } catch (error) {
    failed = true;
    console.error(`\nbenchmark "${name}" failed:`, error);
  }
}

// Each row names the benchmark that produced it (so that a partial run replaces only its own) and
// the machine's load while it ran.
const targets = Object.entries(outcomes).flatMap(([name, result]) =>
  targetRows({ [name]: result }).map((row) => ({ ...row, benchmark: name, loadAverage: loads[name] })),
);
if (targets.length > 0) {
  console.log('\nEvery figure against its target (this run)\n');
  console.table(targets.map(({ benchmark, loadAverage, ...row }) => row));
  // Rows of benchmarks that did not run, or failed, are kept from the last run that had them.
  const file = new URL('targets.json', resultsDir);
  const merged = mergedTargets(file, targets, Object.keys(outcomes), Object.keys(BENCHMARKS));
  write('targets', { targets: merged }, { after: load() });
}
const errored = [...(outcomes.simulator?.results ?? []), ...(outcomes.overhead?.results ?? [])].some(
  (row) => row.errors > 0 || row.requests === 0,
);
const loadErrors = [...(outcomes.gateway?.results ?? []), ...(outcomes.limits?.results ?? [])].some(
  (row) => row.errors > 0,
);
if (errored || outcomes.memory?.errors > 0 || loadErrors) {
  console.error('a benchmark scenario had errors; see the tables above');
  failed = true;
}
if (failed) process.exit(1);
