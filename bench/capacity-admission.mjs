// Benchmark 6 (issue 16): token-aware admission on the seed's chain (PT in us-east-1, Claude 3 Haiku
// on demand in us-west-2) under an open-loop load of three times the PT's capacity, against the
// reactive mode (the same chain without a declared capacity). The simulator reserves input +
// maxTokens at admission, as Bedrock does. Shortened from the 60 s: the PT's bucket holds
// one second's worth (burstSeconds 1) and the declared capacity uses a 1 s window, so 20 s is
// twenty windows. Also: admission's own CPU cost per request, and the input estimator's error
// against the simulator's token counts.
import { createBedrockHA, estimateDemand } from '@bedrock-ha/core';
import { EndpointCapacity } from '../packages/core/dist/capacity/endpoint-capacity.js';
import { MemoryStateStore } from '../packages/core/dist/state/memory-state-store.js';
import { summarizeLatencies } from './percentiles.mjs';
import { startSimulatorProcess, UNLIMITED } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const PT_ID = 'benchpt00001';
const PT_ARN = `arn:aws:bedrock:us-east-1:123456789012:provisioned-model/${PT_ID}`;
/** The PT's rate: 1,000 tokens a second. */
const TOKENS_PER_MINUTE = 60_000;
const MAX_TOKENS = 40;
const PROMPT = 'In a few sentences, how does failover keep an application answering?';
const input = {
  messages: [{ role: 'user', content: [{ text: PROMPT }] }],
  inferenceConfig: { maxTokens: MAX_TOKENS },
};

const simulatorOptions = {
  quotas: { onDemand: UNLIMITED, reservation: 'max-tokens' },
  models: { '*': { firstTokenMs: 40, tokensPerSecond: 400 } },
  provisionedThroughputs: [
    {
      name: 'bench-pt',
      region: 'us-east-1',
      modelId: `${HAIKU}:48k`,
      id: PT_ID,
      tokensPerMinute: TOKENS_PER_MINUTE,
      burstSeconds: 1,
    },
  ],
};

function engine(url, admission) {
  return createBedrockHA(
    {
      client: { endpoint: url, credentials },
      chains: {
        seed: {
          endpoints: [
            {
              id: 'pt',
              modelId: PT_ARN,
              ...(admission && { capacity: { tokensPerMinute: TOKENS_PER_MINUTE, windowMs: 1_000 } }),
            },
            { id: 'on-demand', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    },
    { telemetry: false },
  );
}

/** Sends `rate` requests a second for `seconds`, open loop; what happened to them. */
async function load(url, admission, rate, seconds) {
  const sim = { url };
  const ha = engine(sim.url, admission);
  let ptThrottled = 0;
  let ptSpilled = 0;
  const off = ha.onAttempt(({ endpoint, reason }) => {
    if (endpoint.endpointId !== 'pt') return;
    if (reason === 'throttled') ptThrottled++;
    if (reason === 'at-capacity') ptSpilled++;
  });
  const latencies = [];
  let failed = 0;
  let ptServed = 0;
  const pending = [];
  const started = performance.now();
  const total = Math.round(rate * seconds);
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    pending.push(
      ha.converse('seed', input).then(
        (result) => {
          latencies.push(performance.now() - sent);
          if (result.servedBy.endpointId === 'pt') ptServed++;
        },
        () => failed++,
      ),
    );
  }
  await Promise.all(pending);
  const durationS = (performance.now() - started) / 1000;
  off.dispose();
  ha.destroy();
  return {
    requests: total,
    failed,
    ptServed,
    ptThrottled,
    ptSpilled,
    durationS,
    latency: summarizeLatencies(latencies),
  };
}

/** CPU time of estimate + reserve + settle, per request (µs), on the in-memory store. */
function admissionCost(iterations = 200_000) {
  const capacity = new EndpointCapacity(
    {
      tokensPerMinute: 1e12,
      requestsPerMinute: undefined,
      tokensPerDay: undefined,
      modelUnits: undefined,
      defaultMaxTokens: 4_096,
      windowMs: 60_000,
      learn: false,
    },
    new MemoryStateStore(),
    'pt',
  );
  const usage = { inputTokens: 14, outputTokens: 30 };
  const round = () => {
    const start = process.cpuUsage();
    for (let index = 0; index < iterations; index++) {
      const hold = capacity.admit(estimateDemand('Converse', input));
      capacity.settle(hold, usage);
    }
    const spent = process.cpuUsage(start);
    return (spent.user + spent.system) / iterations;
  };
  round();
  const rounds = [round(), round(), round()].sort((a, b) => a - b);
  return Number(rounds[1].toFixed(2));
}

/** The estimator's input tokens against the simulator's count, for prompts of several kinds. */
async function estimatorError(url) {
  const ha = createBedrockHA(
    {
      client: { endpoint: url, credentials },
      chains: { west: { endpoints: [{ region: 'us-west-2', modelId: HAIKU }] } },
    },
    { telemetry: false },
  );
  const prompts = [
    'what is the largest city in the world? only give the answer with no details',
    PROMPT,
    'Summarise the following: The quick brown fox jumps over the lazy dog. '.repeat(8),
    'Translate to French: "Good morning, how are you today? I hope the weather is fine."',
    'def fibonacci(n):\n    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)\n# explain this code',
    'Wie spät ist es in Tokio, wenn es in Berlin 14:00 Uhr ist? Bitte kurz antworten.',
    'List 10 prime numbers: 2, 3, 5, 7, 11, 13, 17, 19, 23, 29 — and explain why 1 is not prime.',
  ];
  const errors = [];
  for (const text of prompts) {
    const request = { messages: [{ role: 'user', content: [{ text }] }], inferenceConfig: { maxTokens: 10 } };
    const estimated = estimateDemand('Converse', request).inputTokens;
    const result = await ha.converse('west', request);
    const actual = result.usage.inputTokens;
    errors.push(((estimated - actual) / actual) * 100);
  }
  ha.destroy();
  const mean = errors.reduce((sum, value) => sum + value, 0) / errors.length;
  const meanAbsolute = errors.reduce((sum, value) => sum + Math.abs(value), 0) / errors.length;
  const round1 = (value) => Number(value.toFixed(1));
  return {
    prompts: prompts.length,
    meanPct: round1(mean),
    meanAbsolutePct: round1(meanAbsolute),
    minPct: round1(Math.min(...errors)),
    maxPct: round1(Math.max(...errors)),
  };
}

export async function capacityAdmission({ seconds = Number(process.env.BENCH_CAPACITY_SECONDS ?? 20) } = {}) {
  // The actual tokens of one request (input + output), to size the load at 3x the PT's capacity.
  const probe = await startSimulatorProcess(simulatorOptions);
  let perRequest;
  let estimator;
  try {
    const ha = engine(probe.url, false);
    const { usage } = await ha.converse('seed', input);
    ha.destroy();
    perRequest = usage.inputTokens + usage.outputTokens;
    estimator = await estimatorError(probe.url);
  } finally {
    await probe.stop();
  }
  const rate = Math.round((3 * TOKENS_PER_MINUTE) / 60 / perRequest);
  const modes = {};
  for (const [mode, admission] of [
    ['reactive', false],
    ['admission', true],
  ]) {
    const sim = await startSimulatorProcess(simulatorOptions);
    try {
      const result = await load(sim.url, admission, rate, seconds);
      const { capacity } = await sim.admin('GET', 'capacity');
      const used = capacity[`provisioned:${PT_ARN}`]?.usedTokens ?? 0;
      const allowed = (TOKENS_PER_MINUTE * result.durationS) / 60;
      modes[mode] = {
        ...result,
        ptUsedTokens: used,
        ptUtilizationPct: Number(((used / allowed) * 100).toFixed(1)),
      };
    } finally {
      await sim.stop();
    }
  }
  const { reactive, admission } = modes;
  return {
    seconds,
    tokensPerMinute: TOKENS_PER_MINUTE,
    tokensPerRequest: perRequest,
    requestsPerSecond: rate,
    modes,
    throttledRatioPct: Number(((admission.ptThrottled / Math.max(1, reactive.ptThrottled)) * 100).toFixed(1)),
    p99RatioVsReactive: Number((admission.latency.p99Ms / reactive.latency.p99Ms).toFixed(2)),
    admissionCostUs: admissionCost(),
    estimator,
  };
}
