#!/usr/bin/env node
// `pnpm bench`: runs every benchmark, prints a table per benchmark and writes bench/results/*.json.
// Exits non-zero only when a benchmark errors, never on a missed target: these machines are shared
// and noisy, so targets are read as ratios measured side by side in one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { coreOverhead } from './core-overhead.mjs';
import { simulatorOverhead } from './simulator-overhead.mjs';
import { simulatorThroughput } from './simulator-throughput.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const machine = {
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
};
const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });

const results = await simulatorThroughput({ seconds });
console.log('\nSimulator throughput (zero latency; target >= 5,000 non-streaming req/s on one core)\n');
console.table(
  results.map((row) => ({
    scenario: row.name,
    concurrency: row.concurrency,
    'req/s (wall)': row.requestsPerSecond,
    'req per simulator CPU-s': row.requestsPerSimulatorCpuSecond,
    errors: row.errors,
  })),
);
writeFileSync(
  new URL('simulator-throughput.json', resultsDir),
  `${JSON.stringify({ date: new Date().toISOString(), machine, seconds, results }, null, 2)}\n`,
);

const overhead = await simulatorOverhead();
console.log(
  '\nSimulator cost per real-SDK request vs a bare HTTP/2 server (client + server CPU, one process)\n',
);
console.table({
  'bare node:http2, constant answer': overhead.bare,
  '@bedrock-ha/simulator': overhead.simulator,
});
console.log(`simulator adds ${overhead.addedCpuMsPerRequest} ms CPU per request (x${overhead.cpuRatio})`);
writeFileSync(
  new URL('simulator-overhead.json', resultsDir),
  `${JSON.stringify({ date: new Date().toISOString(), machine, ...overhead }, null, 2)}\n`,
);

const core = await coreOverhead({ seconds });
console.log(
  `\n@bedrock-ha/core overhead: Converse at concurrency ${core.concurrency}, ${core.rounds} alternating rounds of ${seconds} s, vs a raw SDK client with the same handler\n`,
);
console.table(
  Object.fromEntries(
    core.results.map((row) => [
      row.name,
      {
        'req/s (wall)': row.requestsPerSecond,
        'CPU ms/req': row.cpuMsPerRequest,
        'CPU x raw': row.cpuRatio,
        'p50 ms': row.p50Ms,
        'p99 ms': row.p99Ms,
        'CPU ms/req, alone': row.unloadedCpuMsPerRequest,
        'CPU x raw, alone': row.unloadedCpuRatio,
        'p50 ms, alone': row.unloadedP50Ms,
        'p50 alone, +ms vs raw': row.unloadedP50DeltaMs,
        'failed attempts/req': row.failedAttemptsPerRequest,
        errors: row.errors,
      },
    ]),
  ),
);
console.log(
  `memory after ${core.memory[0].requests} requests each (${core.gcForced ? 'heap delta between forced GCs' : 'run with node --expose-gc for the heap delta'})`,
);
console.table(Object.fromEntries(core.memory.map(({ name, ...row }) => [name, row])));
writeFileSync(
  new URL('core-overhead.json', resultsDir),
  `${JSON.stringify({ date: new Date().toISOString(), machine, ...core }, null, 2)}\n`,
);

if (
  results.some((row) => row.errors > 0 || row.requests === 0) ||
  core.results.some((row) => row.errors > 0 || row.requests === 0)
) {
  console.error('a benchmark scenario had errors; see the table above');
  process.exit(1);
}
