// Runs a simulator for the benchmarks in its own process, so its CPU time can be measured apart
// from the load generator's. Prints its URL as one JSON line, then serves until killed.
import { startSimulator } from '@bedrock-ha/simulator';

const options = JSON.parse(process.argv[2] ?? '{}');
const sim = await startSimulator(options);
console.log(JSON.stringify({ url: sim.url, pid: process.pid }));
process.on('SIGTERM', () => sim.close().then(() => process.exit(0)));
