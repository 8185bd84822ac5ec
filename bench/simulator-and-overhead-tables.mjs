// How `pnpm bench` prints the simulator benchmarks and the core's CPU overhead.

export function printSimulatorThroughput({ results }) {
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
}

export function printSimulatorOverhead(overhead) {
  console.log(
    '\nSimulator cost per real-SDK request vs a bare HTTP/2 server (client + server CPU, one process)\n',
  );
  console.table({
    'bare node:http2, constant answer': overhead.bare,
    '@bedrock-ha/simulator': overhead.simulator,
  });
  console.log(`simulator adds ${overhead.addedCpuMsPerRequest} ms CPU per request (x${overhead.cpuRatio})`);
}

export function printCoreOverhead(core) {
  console.log(
    `\n@bedrock-ha/core CPU overhead: Converse at concurrency ${core.concurrency}, ${core.rounds} alternating rounds of ${core.seconds} s, vs a raw SDK client with the same handler\n`,
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
}
