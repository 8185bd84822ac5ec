// A closed-loop HTTP load generator, run in its own process so that it does not share an event
// loop with the server it measures: `concurrency` keep-alive connections, each sending the next
// request when the last answer has been read. Argument: one JSON object
// { url, headers, body, concurrency, seconds, warmupSeconds }. Prints JSON lines: `{"mark":"start"}`
// when the measured window opens and `{"mark":"end"}` when it closes (so the parent can sample the
// gateway's CPU over the window alone, not over warm-up and drain), then one line of results.
// New connections: every request sent on a connection the agent just opened (the first
// `concurrency` at the start, and any reopened later) records its wait until the answer's headers;
// with `probe: true`, a fresh connection also sends one request every 100 ms of the measured
// window, so a server that serves its old connections first shows it. Streams: with `firstToken`
// (a regular expression's source), the time until the answer's bytes first match it (the first
// content event) is recorded per request, as time to first token.
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { percentile } from './percentiles.mjs';

const { url, headers, body, concurrency, seconds, warmupSeconds, probe, firstToken } = JSON.parse(
  process.argv[2],
);
const firstTokenPattern = firstToken && new RegExp(firstToken);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const payload = Buffer.from(body);
const requestHeaders = { ...headers, 'content-type': 'application/json', 'content-length': payload.length };

/** Waits (ms until the answer's headers) of the requests that opened a connection. */
const newConnectionWaits = [];
/** The same, of the probes alone (fresh connections opened while the load runs). */
const probeWaits = [];
/** Times to first token (`firstToken` set) of the requests the window counts. */
const firstTokens = [];
let counting = false;

function send(fresh = false) {
  return new Promise((resolve) => {
    const sent = performance.now();
    const request = http.request(
      {
        agent: fresh ? false : agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: requestHeaders,
      },
      (response) => {
        if (!request.reusedSocket) newConnectionWaits.push(performance.now() - sent);
        if (fresh) probeWaits.push(performance.now() - sent);
        let seen = '';
        response.on('data', (chunk) => {
          if (!firstTokenPattern || seen === undefined) return;
          // The last bytes of the previous chunk too, so a marker split between two still matches.
          seen = seen.slice(-64) + chunk.toString('latin1');
          if (!firstTokenPattern.test(seen)) return;
          if (counting && !fresh) firstTokens.push(performance.now() - sent);
          seen = undefined;
        });
        response.on('end', () => resolve(response.statusCode));
        response.on('error', () => resolve(0));
      },
    );
    request.on('error', () => resolve(0));
    request.end(payload);
  });
}

let stop = false;
const latencies = [];
const statuses = {};
const loops = Array.from({ length: concurrency }, async () => {
  while (!stop) {
    const started = performance.now();
    const status = await send();
    if (!counting) continue;
    latencies.push(performance.now() - started);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
});
const sleep = (s) => new Promise((resolve) => setTimeout(resolve, s * 1000));
const mark = (name) => process.stdout.write(`${JSON.stringify({ mark: name })}\n`);
await sleep(warmupSeconds);
counting = true;
mark('start');
const started = performance.now();
// The load generator's own event-loop delay over the window: a wait it records includes it, so a
// long one says the measuring process (not the server) was late.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const probes = [];
const prober =
  probe &&
  setInterval(() => {
    probes.push(send(true));
  }, 100);
await sleep(seconds);
if (prober) clearInterval(prober);
loopDelay.disable();
counting = false;
const elapsed = (performance.now() - started) / 1000;
mark('end');
stop = true;
await Promise.all([...loops, ...probes]);
agent.destroy();
latencies.sort((a, b) => a - b);
if (latencies.length === 0) throw new Error(`no request completed in the ${seconds} s window to ${url}`);
const at = (p) => percentile(latencies, p);
const ok = statuses[200] ?? 0;
console.log(
  JSON.stringify({
    requests: latencies.length,
    errors: latencies.length - ok,
    statuses,
    requestsPerSecond: Math.round(ok / elapsed),
    p50Ms: Number(at(0.5).toFixed(2)),
    p99Ms: Number(at(0.99).toFixed(2)),
    newConnections: newConnectionWaits.length,
    newConnectionMaxWaitMs: Number(Math.max(0, ...newConnectionWaits).toFixed(2)),
    probes: probeWaits.length,
    probeMaxWaitMs: Number(Math.max(0, ...probeWaits).toFixed(2)),
    probeP50WaitMs: probeWaits.length
      ? Number(
          percentile(
            [...probeWaits].sort((a, b) => a - b),
            0.5,
          ).toFixed(2),
        )
      : 0,
    loadGeneratorLoopDelayMaxMs: Number((loopDelay.max / 1e6).toFixed(2)),
    ...(firstTokenPattern &&
      firstTokens.length > 0 && {
        firstTokenP50Ms: Number(
          percentile(
            firstTokens.sort((a, b) => a - b),
            0.5,
          ).toFixed(2),
        ),
        firstTokenP99Ms: Number(percentile(firstTokens, 0.99).toFixed(2)),
      }),
  }),
);
