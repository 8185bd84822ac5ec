// A closed-loop HTTP/1.1 load generator, run in its own process so that it does not share an event
// loop with the server it measures: `concurrency` keep-alive connections (bare sockets,
// http1-connection.mjs, so the generator's own cost per request stays small), each sending the next
// request when the last answer has been read. Argument: one JSON object
// { url, headers, body, concurrency, seconds, warmupSeconds, firstToken, retryAfter }; with
// `retryAfter` (default true) a client refused with a 503 waits its `retry-after` before sending again. Prints JSON lines:
// `{"mark":"start"}` when the measured window opens and `{"mark":"end"}` when it closes (so the
// parent can sample the server's CPU, and run the connection prober, over the window alone), then
// one line of results.
// New connections: every request sent on a connection just opened (the first `concurrency` at the
// start, and any reopened after the server closed one) records its wait until the answer's
// headers; fresh connections opened while the load runs are the prober's (connection-prober.mjs,
// another process, whose idle event loop does not add the generator's lateness). Streams: with
// `firstToken` (a regular expression's source), the time until the answer's bytes first match it
// (the first content event) is recorded per request, as time to first token.
// Every wait recorded here includes the generator's own lateness: its event-loop delay and the
// share of a core it used over the window are reported, so a figure it polluted can be flagged.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openConnection, requestBytes } from './http1-connection.mjs';
import { percentile } from './percentiles.mjs';

const {
  url,
  headers = {},
  body,
  concurrency,
  seconds,
  warmupSeconds,
  firstToken,
  retryAfter = true,
} = JSON.parse(process.argv[2]);
const firstTokenPattern = firstToken && new RegExp(firstToken);
const request = requestBytes(url, headers, body);

/** Waits (ms until the answer's headers) of the requests that opened a connection. */
const newConnectionWaits = [];
/** Times to first token (`firstToken` set) of the requests the window counts. */
const firstTokens = [];
const latencies = [];
/** The same, of the answers with status 200 and of the refusals (503) apart. */
const served = [];
const refused = [];
const statuses = {};
let counting = false;
let stop = false;

/** One request on `connection`; resolves with its status. */
function send(connection, fresh) {
  const sent = performance.now();
  let seen = firstTokenPattern ? '' : undefined;
  return connection.send(request, {
    onHeaders: () => {
      if (fresh) newConnectionWaits.push(performance.now() - sent);
    },
    onBody: (chunk) => {
      if (seen === undefined) return;
      // The last bytes of the previous chunk too, so a marker split between two still matches.
      seen = seen.slice(-64) + chunk.toString('latin1');
      if (!firstTokenPattern.test(seen)) return;
      if (counting) firstTokens.push(performance.now() - sent);
      seen = undefined;
    },
  });
}

const sleep = (s) => new Promise((resolve) => setTimeout(resolve, s * 1000));
/** Sleeps `s` seconds, or less when the run ends first (so the drain does not wait for it). */
let stopped;
const stopping = new Promise((resolve) => {
  stopped = resolve;
});
const sleepUnlessStopped = (s) =>
  Promise.race([stopping, new Promise((resolve) => setTimeout(resolve, s * 1000).unref())]);

const loops = Array.from({ length: concurrency }, async () => {
  let connection;
  while (!stop) {
    const fresh = !connection?.open;
    if (fresh) connection = openConnection(url);
    const started = performance.now();
    const status = await send(connection, fresh);
    // A refusal's `retry-after` is honoured, as the AWS SDK and the OpenAI SDKs do: a client that
    // retried at once would turn a shedding server's spare CPU into more refusals.
    const retryAfterS = status === 503 && retryAfter ? connection.retryAfterS : undefined;
    if (!counting) {
      if (retryAfterS !== undefined) await sleepUnlessStopped(retryAfterS);
      continue;
    }
    const latency = performance.now() - started;
    latencies.push(latency);
    if (status === 200) served.push(latency);
    else if (status === 503) refused.push(latency);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (retryAfterS !== undefined) await sleepUnlessStopped(retryAfterS);
  }
  connection?.close();
});

const mark = (name) => process.stdout.write(`${JSON.stringify({ mark: name })}\n`);
await sleep(warmupSeconds);
counting = true;
mark('start');
const started = performance.now();
const cpuAtStart = process.cpuUsage();
// The generator's own event-loop delay over the window: a wait it records includes it, so a long
// one says the measuring process (not the server) was late.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
await sleep(seconds);
loopDelay.disable();
counting = false;
const cpu = process.cpuUsage(cpuAtStart);
const elapsed = (performance.now() - started) / 1000;
mark('end');
stop = true;
stopped();
await Promise.all(loops);
latencies.sort((a, b) => a - b);
if (latencies.length === 0) throw new Error(`no request completed in the ${seconds} s window to ${url}`);
const fixed = (value) => Number(value.toFixed(2));
const sorted = (values) => [...values].sort((a, b) => a - b);
const ok = statuses[200] ?? 0;
console.log(
  JSON.stringify({
    requests: latencies.length,
    // A 503 is the server shedding load as designed (reported as `refused` and the shed share),
    // not an error: errors are the answers that are neither served nor refused.
    refused: refused.length,
    errors: latencies.length - ok - refused.length,
    statuses,
    requestsPerSecond: Math.round(ok / elapsed),
    p50Ms: fixed(percentile(latencies, 0.5)),
    p99Ms: fixed(percentile(latencies, 0.99)),
    // Issue 20's tail: of the requests served, p99 over p50; refusals are answered at once or not.
    ...(served.length > 0 && {
      servedP50Ms: fixed(percentile(sorted(served), 0.5)),
      servedP99Ms: fixed(percentile(sorted(served), 0.99)),
    }),
    ...(refused.length > 0 && { refusedP99Ms: fixed(percentile(sorted(refused), 0.99)) }),
    newConnections: newConnectionWaits.length,
    newConnectionMaxWaitMs: fixed(Math.max(0, ...newConnectionWaits)),
    loadGeneratorLoopDelayMaxMs: fixed(loopDelay.max / 1e6),
    loadGeneratorLoopDelayP99Ms: fixed(loopDelay.percentile(99) / 1e6),
    loadGeneratorCpuShare: fixed((cpu.user + cpu.system) / 1e6 / elapsed),
    ...(firstTokenPattern &&
      firstTokens.length > 0 && {
        firstTokenP50Ms: fixed(percentile(sorted(firstTokens), 0.5)),
        firstTokenP99Ms: fixed(percentile(sorted(firstTokens), 0.99)),
      }),
  }),
);
