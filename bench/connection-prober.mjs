// Fresh connections while a load runs, from a process of their own: every `everyMs` (100) for
// `seconds`, opens a new connection, sends one request and records the wait until the answer's
// headers, then closes it. Its event loop does nothing else, so unlike the load generator's its
// waits are the server's (and the machine's): a server that serves its old connections first
// shows here. Argument: one JSON object { url, headers, body, seconds, everyMs }. Prints one line
// of results: the waits' count, median and maximum, and its own event-loop delay.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openConnection, requestBytes } from './http1-connection.mjs';
import { percentile } from './percentiles.mjs';

const { url, headers = {}, body, seconds, everyMs = 100 } = JSON.parse(process.argv[2]);
const request = requestBytes(url, headers, body);
const waits = [];
const statuses = {};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

async function probe() {
  const sent = performance.now();
  const connection = openConnection(url);
  const status = await connection.send(request, { onHeaders: () => waits.push(performance.now() - sent) });
  statuses[status] = (statuses[status] ?? 0) + 1;
  connection.close();
}

const probes = [];
const timer = setInterval(() => probes.push(probe()), everyMs);
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
clearInterval(timer);
loopDelay.disable();
await Promise.all(probes);
const sorted = [...waits].sort((a, b) => a - b);
const fixed = (value) => Number(value.toFixed(2));
console.log(
  JSON.stringify({
    probes: waits.length,
    probeStatuses: statuses,
    probeP50WaitMs: sorted.length ? fixed(percentile(sorted, 0.5)) : 0,
    probeMaxWaitMs: fixed(Math.max(0, ...sorted)),
    proberLoopDelayMaxMs: fixed(loopDelay.max / 1e6),
  }),
);
