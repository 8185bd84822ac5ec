// What @bedrock-ha/core costs on the hot path: Converse through the engine against a raw
// `BedrockRuntimeClient` built by the core's own default client factory (keep-alive HTTP/1.1,
// `maxAttempts: 1`), so the two differ only by the engine. The simulator runs in its own process;
// the CPU measured is the load generator's, which here is the engine plus the SDK. Scenarios run
// in alternating rounds, so drift on a shared machine hits every scenario alike.
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { createBedrockHA, defaultClientFactory } from '@bedrock-ha/core';
// The lean transport is internal to the core; the bench reads its built module to measure it alone.
import { LeanTransport } from '../packages/core/dist/sdk/lean/lean-transport.js';
import { median, percentile, round3 } from './percentiles.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const CHAIN = 'haiku';
const CONCURRENCY = 32;
const messages = [{ role: 'user', content: [{ text: 'what is the largest city in the world?' }] }];
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };
const THROTTLE_EAST = {
  match: { region: 'us-east-1' },
  fault: { type: 'error', error: 'ThrottlingException' },
};

/** A healthy primary in us-east-1 and its fallback in us-west-2, both on-demand Haiku. */
function engine(url, { policy, telemetry = false, transport } = {}) {
  const endpoints = [
    { id: 'east', region: 'us-east-1', modelId: HAIKU },
    { id: 'west', region: 'us-west-2', modelId: HAIKU },
  ];
  const client = { endpoint: url, credentials, ...(transport && { transport }) };
  const config = { client, policy, chains: { [CHAIN]: { endpoints } } };
  // Telemetry on means the default: the global OpenTelemetry API, with no SDK registered (no-op).
  return createBedrockHA(config, telemetry ? {} : { telemetry: false });
}

/** Each target: `send()` makes one Converse call; `close()` releases its connections. */
const rawTarget = (url) => {
  const client = defaultClientFactory({ region: 'us-east-1', client: { endpoint: url, credentials } });
  return {
    send: () => client.send(new ConverseCommand({ modelId: HAIKU, messages })),
    close: () => client.destroy(),
  };
};
// The SDK's client with its middleware stack untouched (the default factory swaps its retry
// middleware, issue 20) and the same keep-alive HTTP/1.1 handler: what the default client saves.
const sdkTarget = (url) => {
  // A default client lends its handler (the SDK's default for this client is HTTP/2).
  const donor = defaultClientFactory({ region: 'us-east-1', client: { endpoint: url, credentials } });
  const client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: url,
    credentials,
    maxAttempts: 1,
    requestHandler: donor.config.requestHandler,
  });
  return {
    send: () => client.send(new ConverseCommand({ modelId: HAIKU, messages })),
    close: () => donor.destroy(),
  };
};
// The lean transport alone on a default client: the floor of the engine's default path.
const leanTarget = (url) => {
  const client = defaultClientFactory({ region: 'us-east-1', client: { endpoint: url, credentials } });
  const lean = new LeanTransport(client);
  const signal = new AbortController().signal;
  return {
    send: () => lean.send(new ConverseCommand({ modelId: HAIKU, messages }), signal),
    close: () => client.destroy(),
  };
};
const haTarget = (options) => (url) => {
  const ha = engine(url, options);
  return { send: () => ha.converse(CHAIN, { messages }), close: () => ha.destroy() };
};
const dropInTarget = (url) => {
  const ha = engine(url); // telemetry off, so its difference from `converse` is the drop-in layer
  return {
    send: () => ha.client.send(new ConverseCommand({ modelId: CHAIN, messages })),
    close: () => ha.destroy(),
  };
};
const failover = { retry: { maxAttempts: 1 } };

const SCENARIOS = [
  { key: 'raw', name: 'raw SDK client, same keep-alive handler', make: rawTarget },
  { key: 'converse', name: 'ha.converse, telemetry off', make: haTarget() },
  {
    key: 'telemetry',
    name: 'ha.converse, telemetry on (no SDK: no-op API)',
    make: haTarget({ telemetry: true }),
  },
  { key: 'dropIn', name: 'ha.client.send(ConverseCommand), telemetry off', make: dropInTarget },
  {
    key: 'failoverNoBreaker',
    name: 'failover every request (primary throttles, breaker off)',
    make: haTarget({ policy: { ...failover, breaker: { mode: 'off' } } }),
    fault: THROTTLE_EAST,
  },
  {
    key: 'failoverBreaker',
    name: 'failover, default breaker (opens after 5 failures)',
    make: haTarget({ policy: failover }),
    fault: THROTTLE_EAST,
  },
  { key: 'sdk', name: 'untouched SDK client (its own retry middleware), same handler', make: sdkTarget },
  { key: 'lean', name: 'lean transport alone (no engine), same handler', make: leanTarget },
  {
    key: 'converseSdk',
    name: "ha.converse on transport 'sdk' (the SDK path), telemetry off",
    make: haTarget({ transport: 'sdk' }),
  },
];

const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
/** Failed calls a request made before it was served: the cost the breaker saves. */
const failedAttempts = (result) => result?.attempts?.filter((a) => a.outcome === 'failure').length ?? 0;

/** Drives `send` on `concurrency` loops; counts only the window after the warm-up. */
async function drive(send, seconds, warmupSeconds, concurrency = CONCURRENCY) {
  const latencies = [];
  let counting = false;
  let stop = false;
  let errors = 0;
  let failed = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stop) {
      const started = performance.now();
      try {
        const result = await send();
        if (counting) {
          latencies.push(performance.now() - started);
          failed += failedAttempts(result);
        }
      } catch {
        if (counting) errors += 1;
      }
    }
  });
  await sleep(warmupSeconds);
  counting = true;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await sleep(seconds);
  counting = false;
  const cpu = process.cpuUsage(cpuBefore);
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(loops);
  return { latencies, errors, failed, elapsed, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Sends `count` requests on CONCURRENCY loops. */
async function sendCount(send, count) {
  let issued = 0;
  const loop = async () => {
    while (issued < count) {
      issued += 1;
      await send();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
}

function summarize(scenario, samples, unloaded) {
  const latencies = samples.flatMap((sample) => sample.latencies).sort((a, b) => a - b);
  const alone = unloaded.flatMap((sample) => sample.latencies).sort((a, b) => a - b);
  const requests = latencies.length;
  return {
    key: scenario.key,
    name: scenario.name,
    requests,
    errors: samples.reduce((sum, sample) => sum + sample.errors, 0),
    requestsPerSecond: Math.round(median(samples.map((s) => s.latencies.length / s.elapsed))),
    cpuMsPerRequest: round3(median(samples.map((s) => s.cpuMs / s.latencies.length))),
    p50Ms: round3(percentile(latencies, 0.5)),
    p99Ms: round3(percentile(latencies, 0.99)),
    unloadedCpuMsPerRequest: round3(median(unloaded.map((s) => s.cpuMs / s.latencies.length))),
    unloadedP50Ms: round3(percentile(alone, 0.5)),
    failedAttemptsPerRequest: round3(samples.reduce((sum, s) => sum + s.failed, 0) / requests),
  };
}

/** Heap and RSS after `count` requests; the heap delta only when `--expose-gc` lets us collect. */
async function memory(url, scenario, count) {
  const gc = globalThis.gc;
  const target = scenario.make(url);
  await sendCount(target.send, 500); // warm-up: connections, lazily built SDK and engine state
  gc?.();
  const before = process.memoryUsage();
  await sendCount(target.send, count);
  gc?.();
  const after = process.memoryUsage();
  target.close();
  const mb = (bytes) => Number((bytes / 2 ** 20).toFixed(1));
  return {
    name: scenario.name,
    requests: count,
    heapUsedMB: mb(after.heapUsed),
    rssMB: mb(after.rss),
    heapDeltaKB: gc ? Math.round((after.heapUsed - before.heapUsed) / 1024) : null,
  };
}

/** Runs every scenario in alternating rounds, then the memory check; returns rows and ratios. */
export async function coreOverhead({
  seconds = 4,
  rounds = 5,
  warmupSeconds = 0.5,
  memoryRequests = 20_000,
} = {}) {
  const server = await startSimulatorProcess();
  const targets = new Map(SCENARIOS.map((scenario) => [scenario.key, scenario.make(server.url)]));
  const samples = new Map(SCENARIOS.map((scenario) => [scenario.key, []]));
  const unloaded = new Map(SCENARIOS.map((scenario) => [scenario.key, []]));
  try {
    for (let index = 0; index < rounds; index++) {
      // Each round starts one scenario later, so none always runs right after the same neighbour.
      const order = SCENARIOS.map((_, offset) => SCENARIOS[(index + offset) % SCENARIOS.length]);
      for (const scenario of order) {
        const faultId = scenario.fault && (await server.addFault(scenario.fault));
        const { send } = targets.get(scenario.key);
        samples.get(scenario.key).push(await drive(send, seconds, warmupSeconds));
        // One request at a time: the latency the engine adds when the CPU is not the queue.
        unloaded.get(scenario.key).push(await drive(send, 0.5, 0, 1));
        if (faultId) await server.removeFault(faultId);
      }
    }
    for (const target of targets.values()) target.close();
    const rows = SCENARIOS.map((scenario) =>
      summarize(scenario, samples.get(scenario.key), unloaded.get(scenario.key)),
    );
    const raw = rows[0];
    for (const row of rows) {
      row.cpuRatio = round3(row.cpuMsPerRequest / raw.cpuMsPerRequest);
      row.addedCpuMsPerRequest = round3(row.cpuMsPerRequest - raw.cpuMsPerRequest);
      row.p50DeltaMs = round3(row.p50Ms - raw.p50Ms);
      row.unloadedCpuRatio = round3(row.unloadedCpuMsPerRequest / raw.unloadedCpuMsPerRequest);
      row.unloadedP50DeltaMs = round3(row.unloadedP50Ms - raw.unloadedP50Ms);
    }
    const memoryRows = [];
    for (const scenario of SCENARIOS.slice(0, 2))
      memoryRows.push(await memory(server.url, scenario, memoryRequests));
    return {
      concurrency: CONCURRENCY,
      seconds,
      rounds,
      gcForced: typeof globalThis.gc === 'function',
      results: rows,
      memory: memoryRows,
    };
  } finally {
    await server.stop();
  }
}
