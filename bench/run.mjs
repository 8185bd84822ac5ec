#!/usr/bin/env node
// `pnpm bench`: runs every benchmark, prints a table per benchmark and writes bench/results/*.json.
// Exits non-zero only when a benchmark errors, never on a missed target: these machines are shared
// and noisy, so targets are read as ratios measured side by side in one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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

if (results.some((row) => row.errors > 0 || row.requests === 0)) {
  console.error('a benchmark scenario had errors; see the table above');
  process.exit(1);
}
