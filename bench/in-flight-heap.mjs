// What a request in flight holds on the heap: `requests` (250) Converse calls started at once against a
// simulator whose model takes `latencyMs` to answer, the heap read after a forced GC before they
// start and while all of them wait, per target: the raw SDK client (the core's default client
// factory), the engine with telemetry off and with the default telemetry (no-op API). In a child
// process with --expose-gc (the simulator in another); targets take turns over `rounds` rounds and
// the median of each target's rounds is reported, with the engine's bytes beyond the raw client's.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { median } from './percentiles.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };
const messages = [{ role: 'user', content: [{ text: 'what is the largest city in the world?' }] }];

/** Runs the measurement in a child under --expose-gc; returns what it measured. */
export async function inFlightHeap({ requests = 250, latencyMs = 2_000, rounds = 3 } = {}) {
  const child = spawn(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), JSON.stringify({ requests, latencyMs, rounds })],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`the in-flight heap benchmark exited with ${code}`);
  return JSON.parse(output);
}

/** In the child: the targets, then the rounds. */
async function measure({ requests, latencyMs, rounds }) {
  // A build of the core to measure other than the workspace's (a copy of another branch's dist).
  const core = await import(process.env.BENCH_CORE ?? '@bedrock-ha/core');
  const { ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
  const sim = await startSimulatorProcess();
  // The connect timeout outlasts a loaded machine's; `requests` stays within the agent's 256
  // sockets, so none waits in its queue (and the simulator's listen backlog takes them all).
  const client = { endpoint: sim.url, credentials, connectTimeoutMs: 30_000 };
  const engine = (options) =>
    core.createBedrockHA(
      {
        client,
        chains: {
          haiku: {
            endpoints: [
              { id: 'east', region: 'us-east-1', modelId: HAIKU },
              { id: 'west', region: 'us-west-2', modelId: HAIKU },
            ],
          },
        },
      },
      options,
    );
  const raw = core.defaultClientFactory({ region: 'us-east-1', client });
  const off = engine({ telemetry: false });
  const telemetry = engine({});
  const targets = {
    raw: {
      name: 'raw SDK client (default client factory)',
      send: () => raw.send(new ConverseCommand({ modelId: HAIKU, messages })),
    },
    engine: { name: 'ha.converse, telemetry off', send: () => off.converse('haiku', { messages }) },
    telemetry: {
      name: 'ha.converse, default telemetry (no-op API)',
      send: () => telemetry.converse('haiku', { messages }),
    },
  };
  const samples = Object.fromEntries(Object.keys(targets).map((key) => [key, []]));
  const heap = () => {
    globalThis.gc();
    globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  try {
    // Warm-up without the latency: connections (up to the agent's limit), lazily built state.
    for (const { send } of Object.values(targets)) await Promise.all(Array.from({ length: requests }, send));
    const faultId = await sim.addFault({ match: {}, fault: { type: 'latency', ms: latencyMs } });
    const keys = Object.keys(targets);
    for (let round = 0; round < rounds; round++)
      for (let offset = 0; offset < keys.length; offset++) {
        const key = keys[(round + offset) % keys.length];
        const before = heap();
        const started = performance.now();
        const calls = Promise.all(Array.from({ length: requests }, () => targets[key].send()));
        // Read well before the first answer comes back.
        await new Promise((resolve) => setTimeout(resolve, latencyMs / 3));
        const during = heap();
        if (performance.now() - started > latencyMs * 0.9)
          throw new Error('the heap was read after the first answers: raise latencyMs');
        await calls;
        samples[key].push((during - before) / requests);
      }
    await sim.removeFault(faultId);
  } finally {
    for (const closable of [raw, off, telemetry]) closable.destroy();
    await sim.stop();
  }
  const bytes = Object.fromEntries(
    Object.entries(samples).map(([key, values]) => [key, Math.round(median(values))]),
  );
  return {
    requests,
    latencyMs,
    rounds,
    results: Object.entries(targets).map(([key, { name }]) => ({
      key,
      name,
      bytesPerRequest: bytes[key],
      rounds: samples[key].map(Math.round),
      beyondRawBytes: bytes[key] - bytes.raw,
    })),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) {
  process.stdout.write(JSON.stringify(await measure(JSON.parse(process.argv[2]))));
  process.exit(0);
}
