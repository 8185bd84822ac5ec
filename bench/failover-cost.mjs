// Benchmark 2: what a failover costs beyond the calls it makes, and what skipping an endpoint with
// an open breaker costs. One request at a time, every target once per round (interleaved), medians
// of the per-round differences:
// - failover added = (ha: primary throttles, fallback answers) - (raw SDK: the primary's throttle
//   response) - (raw SDK: the fallback's answer). Target <= 2 ms.
// - added per endpoint walked (issue 20): the same with the engine on `transport: 'sdk'`, so that it
//   and the two raw calls it is measured against go through the same SDK client: the lean
//   transport's calls cost less than the raw SDK's, which turns the first figure negative.
// - open-breaker skip = (ha: primary's breaker open, fallback answers) - (ha: a chain of the
//   fallback alone), and the skipped attempt's own recorded duration. Target < 0.1 ms.
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { createBedrockHA, defaultClientFactory } from '@bedrock-ha/core';
import { median, round3, summarizeLatencies } from './percentiles.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const messages = [{ role: 'user', content: [{ text: 'what is the largest city in the world?' }] }];
const PRIMARY = { id: 'primary', region: 'us-east-1', modelId: HAIKU };
const FALLBACK = { id: 'fallback', region: 'us-west-2', modelId: HAIKU };

function engine(url, endpoints, breaker, transport = 'lean') {
  return createBedrockHA(
    {
      client: { endpoint: url, credentials, transport },
      policy: { retry: { maxAttempts: 1 }, breaker },
      chains: { chain: { endpoints } },
    },
    { telemetry: false },
  );
}

function makeTargets(url) {
  const client = (region) => defaultClientFactory({ region, client: { endpoint: url, credentials } });
  const east = client('us-east-1');
  const west = client('us-west-2');
  const failover = engine(url, [PRIMARY, FALLBACK], { mode: 'off' });
  const failoverSdk = engine(url, [PRIMARY, FALLBACK], { mode: 'off' }, 'sdk');
  // Opens at the first failure and stays open for the whole run.
  const breaker = {
    mode: 'consecutive',
    failures: 1,
    halfOpenAfterMs: 3_600_000,
    maxHalfOpenAfterMs: 3_600_000,
  };
  const skipping = engine(url, [PRIMARY, FALLBACK], breaker);
  const fallbackOnly = engine(url, [FALLBACK], { mode: 'off' });
  const skips = [];
  const ask = (ha) => ha.converse('chain', { messages });
  return {
    skips,
    targets: {
      rawError: () => east.send(new ConverseCommand({ modelId: HAIKU, messages })).catch(() => undefined),
      rawOk: () => west.send(new ConverseCommand({ modelId: HAIKU, messages })),
      failover: () => ask(failover),
      failoverSdk: () => ask(failoverSdk),
      skipping: async () => {
        const { attempts } = await ask(skipping);
        if (attempts[0]?.reason === 'circuit-open') skips.push(attempts[0].durationMs);
      },
      fallbackOnly: () => ask(fallbackOnly),
    },
    close: () => {
      for (const closable of [east, west, failover, failoverSdk, skipping, fallbackOnly]) closable.destroy();
    },
  };
}

/** Runs `rounds` rounds of every target once, in a rotating order; returns each target's latencies. */
async function rounds(targets, count) {
  const keys = Object.keys(targets);
  const samples = Object.fromEntries(keys.map((key) => [key, []]));
  for (let round = 0; round < count; round++) {
    for (let offset = 0; offset < keys.length; offset++) {
      const key = keys[(round + offset) % keys.length];
      const started = performance.now();
      await targets[key]();
      samples[key].push(performance.now() - started);
    }
  }
  return samples;
}

const pairedMedian = (difference, length) => median(Array.from({ length }, (_, index) => difference(index)));

/** Measures both costs; returns latencies of every target and the two figures. */
export async function failoverCost({ requests = 1_500 } = {}) {
  const sim = await startSimulatorProcess();
  await sim.addFault({
    match: { region: 'us-east-1' },
    fault: { type: 'error', error: 'ThrottlingException' },
  });
  const { targets, skips, close } = makeTargets(sim.url);
  try {
    await rounds(targets, 200); // warm-up: connections, lazily built SDK and engine state
    skips.length = 0;
    const samples = await rounds(targets, requests);
    const { rawError, rawOk, failover, failoverSdk, skipping, fallbackOnly } = samples;
    const failoverAddedMs = pairedMedian((i) => failover[i] - rawError[i] - rawOk[i], requests);
    const walkedAddedMs = pairedMedian((i) => failoverSdk[i] - rawError[i] - rawOk[i], requests);
    const skipAddedMs = pairedMedian((i) => skipping[i] - fallbackOnly[i], requests);
    const skipAttempt = summarizeLatencies(skips);
    return {
      requests,
      latencies: Object.fromEntries(
        Object.entries(samples).map(([key, values]) => [key, summarizeLatencies(values)]),
      ),
      failoverAddedMs: round3(failoverAddedMs),
      walkedAddedMs: round3(walkedAddedMs),
      // The same from the three p50s: less robust to noise than the paired median, shown beside it.
      failoverAddedFromP50sMs: round3(
        summarizeLatencies(failover).p50Ms -
          summarizeLatencies(rawError).p50Ms -
          summarizeLatencies(rawOk).p50Ms,
      ),
      engineAddedOnHealthyMs: round3(pairedMedian((i) => fallbackOnly[i] - rawOk[i], requests)),
      skipAddedMs: round3(skipAddedMs),
      skipAttemptP50Ms: skipAttempt.p50Ms,
      skipAttemptP99Ms: skipAttempt.p99Ms,
    };
  } finally {
    close();
    await sim.stop();
  }
}
