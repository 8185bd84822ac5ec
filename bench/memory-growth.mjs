// Benchmark 3: does the engine keep anything per request? 100,000 requests through a chain whose
// primary throttles every call, the heap read after a forced GC every tenth of the run. Two runs,
// each in a child process with --expose-gc (the simulator in another):
// - breaker off (judged against the target): every request makes a failed attempt on the primary,
//   then fails over, so each one creates the failure, the failover event and two attempt records;
// - the default-like breaker (5 failures, half-open after 200 ms): most requests skip the primary
//   and only each probe really fails over, the path a production chain takes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createBedrockHA } from '@bedrock-ha/core';
import { startSimulatorProcess } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const CONCURRENCY = 32;
const SLICES = 10;
/** The runs, by breaker: `off` is judged against the target, `default` shown beside it. */
const BREAKERS = {
  off: { mode: 'off' },
  default: { mode: 'consecutive', failures: 5, halfOpenAfterMs: 200, maxHalfOpenAfterMs: 200 },
};

/** Runs the child under --expose-gc with one breaker setting; returns what it measured. */
async function runChild(url, requests, breaker) {
  const child = spawn(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), url, String(requests), breaker],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`the memory benchmark (breaker ${breaker}) exited with ${code}`);
  return JSON.parse(output);
}

/**
 * Both runs, breaker off first; the top-level figures are the breaker-off run's (the one judged),
 * `runs` holds both.
 */
export async function memoryGrowth({ requests = 100_000 } = {}) {
  const sim = await startSimulatorProcess();
  try {
    await sim.addFault({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const runs = [];
    for (const breaker of Object.keys(BREAKERS)) runs.push(await runChild(sim.url, requests, breaker));
    const errors = runs.reduce((sum, run) => sum + run.errors, 0);
    return { ...runs[0], errors, runs };
  } finally {
    await sim.stop();
  }
}

/** In the child: drives the chain and samples the heap. */
async function measure(url, requests, breaker) {
  const ha = createBedrockHA(
    {
      client: { endpoint: url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
      policy: { retry: { maxAttempts: 1 }, breaker: BREAKERS[breaker] },
      chains: {
        haiku: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    },
    { telemetry: false },
  );
  const messages = [{ role: 'user', content: [{ text: 'what is the largest city in the world?' }] }];
  let failedAttempts = 0;
  let skipped = 0;
  let errors = 0;
  /** Errors by name, so a run with errors says what they were. */
  let errorNames = {};
  const send = async () => {
    try {
      const { attempts } = await ha.converse('haiku', { messages });
      for (const attempt of attempts) {
        if (attempt.outcome === 'failure') failedAttempts++;
        if (attempt.outcome === 'skipped') skipped++;
      }
    } catch (error) {
      errors++;
      const name = error?.name ?? 'unknown';
      errorNames[name] = (errorNames[name] ?? 0) + 1;
    }
  };
  const drive = async (count) => {
    let issued = 0;
    const loop = async () => {
      while (issued < count) {
        issued++;
        await send();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  };
  const heap = () => {
    globalThis.gc();
    globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  await drive(2_000); // warm-up: connections, lazily built SDK and engine state
  failedAttempts = 0;
  skipped = 0;
  errors = 0;
  errorNames = {};
  const started = performance.now();
  const samples = [{ requests: 0, heapBytes: heap() }];
  const slice = Math.ceil(requests / SLICES);
  for (let done = slice; done <= requests; done += slice) {
    await drive(slice);
    samples.push({ requests: done, heapBytes: heap() });
  }
  ha.destroy();
  const seconds = (performance.now() - started) / 1000;
  // Growth over the second half of the run, when every cache and pool has reached its size.
  const middle = samples[Math.floor(samples.length / 2)];
  const last = samples.at(-1);
  const result = {
    breaker,
    requests: last.requests,
    concurrency: CONCURRENCY,
    seconds: Math.round(seconds),
    errors,
    errorNames,
    failedAttemptsPerRequest: Number((failedAttempts / last.requests).toFixed(4)),
    skippedAttemptsPerRequest: Number((skipped / last.requests).toFixed(4)),
    heapStartMB: Number((samples[0].heapBytes / 2 ** 20).toFixed(2)),
    heapEndMB: Number((last.heapBytes / 2 ** 20).toFixed(2)),
    bytesPerRequestWholeRun: Number(((last.heapBytes - samples[0].heapBytes) / last.requests).toFixed(2)),
    bytesPerRequestSecondHalf: Number(
      ((last.heapBytes - middle.heapBytes) / (last.requests - middle.requests)).toFixed(2),
    ),
    samples,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const breaker = process.argv[4] ?? 'off';
  if (!(breaker in BREAKERS))
    throw new Error(`unknown breaker "${breaker}": use one of ${Object.keys(BREAKERS).join(', ')}`);
  await measure(process.argv[2], Number(process.argv[3]), breaker);
}
