// Benchmark 6, streams (issue 20): 200-token answers streamed at 100 tokens/s, at concurrency 64, in
// one run in front of one simulator: the simulator direct (ConverseStream), the minimal proxy piping
// the same bytes, and our server's Bedrock-native (converse-stream) and OpenAI (`stream: true`)
// routes (like-for-like policy). Per target: the serving process's CPU per stream over the measured
// window, and the median time to first token (the first content event) as the client sees it.
// Each round runs every target once in a rotating order; ratios are medians of per-round pairs.
import { drive, HAIKU, startMinimalProxy, startOurs, stopAll } from './gateway-processes.mjs';
import { median } from './percentiles.mjs';
import { rotatingRounds } from './rounds.mjs';
import { startSimulatorProcess, UNLIMITED } from './simulator-process.mjs';

export const STREAM_CONCURRENCY = 64;
/** 200 tokens at 100 tokens/s: a two-second stream of 200 content events. */
export const BEHAVIOUR = { tokensPerSecond: 100, outputTokens: 200 };
const PROMPT = 'tell me a long story about a lighthouse keeper';
const round2 = (value) => Number(value.toFixed(2));
const round3 = (value) => Number(value.toFixed(3));

export const converseStreamBody = () =>
  JSON.stringify({
    messages: [{ role: 'user', content: [{ text: PROMPT }] }],
    inferenceConfig: { maxTokens: 400 },
  });
export const openAIStreamBody = () =>
  JSON.stringify({
    model: 'haiku',
    messages: [{ role: 'user', content: PROMPT }],
    max_tokens: 400,
    stream: true,
  });
// The first content: a `contentBlockDelta` event (its type is a header of the binary frame), or an
// SSE chunk whose delta has non-empty content (the first chunk carries the role and "").
const EVENT_STREAM_CONTENT = 'contentBlockDelta';
const SSE_CONTENT = '"content":"[^"]';

/** Every target at concurrency 64 in rotating rounds; one row per target. */
export async function limitsStreaming({ seconds = 4, rounds = 2 } = {}) {
  const sim = await startSimulatorProcess({ quotas: { onDemand: UNLIMITED }, models: { '*': BEHAVIOUR } });
  const children = [];
  try {
    const proxy = await startMinimalProxy(sim.url);
    children.push(proxy.child);
    const ours = await startOurs(sim.url, 'like-for-like');
    children.push(ours.child);
    const stream = (base, model) => ({
      url: `${base}/model/${model}/converse-stream`,
      body: converseStreamBody(),
      firstToken: EVENT_STREAM_CONTENT,
    });
    // BENCH_COMPARE_SDK=1 (as in limits.mjs): the same server on the SDK transport too, measured in
    // the same rounds. Its events carry no upstream bytes, so its converse-stream route encodes
    // every event again: forwarding's before and after.
    const sdk =
      process.env.BENCH_COMPARE_SDK === '1'
        ? await startOurs(sim.url, 'like-for-like', { BEDROCK_HA_TRANSPORT: 'sdk' })
        : undefined;
    if (sdk) children.push(sdk.child);
    const targets = [
      { key: 'direct', name: 'simulator, direct (ConverseStream)', pid: sim.pid, ...stream(sim.url, HAIKU) },
      {
        key: 'proxy',
        name: 'minimal proxy (ConverseStream)',
        pid: proxy.child.pid,
        ...stream(proxy.baseUrl, HAIKU),
      },
      {
        key: 'oursNative',
        name: '@bedrock-ha/server, converse-stream route',
        pid: ours.child.pid,
        ...stream(ours.baseUrl, 'haiku'),
      },
      {
        key: 'oursOpenAI',
        name: '@bedrock-ha/server, OpenAI route (stream: true)',
        pid: ours.child.pid,
        url: `${ours.baseUrl}/v1/chat/completions`,
        body: openAIStreamBody(),
        firstToken: SSE_CONTENT,
      },
      ...(sdk
        ? [
            {
              key: 'sdkNative',
              name: "@bedrock-ha/server on transport 'sdk', converse-stream route",
              pid: sdk.child.pid,
              ...stream(sdk.baseUrl, 'haiku'),
            },
          ]
        : []),
    ];
    const samples = await rotatingRounds(targets, rounds, (target) =>
      drive(target, { concurrency: STREAM_CONCURRENCY, seconds }),
    );
    const byKey = Object.fromEntries(targets.map((target, index) => [target.key, samples[index]]));
    const cpuPerStream = (run) => (run.cpuSeconds * 1000) / run.requests;
    const results = targets.map((target, index) => {
      const runs = samples[index];
      const row = {
        key: target.key,
        target: target.name,
        concurrency: STREAM_CONCURRENCY,
        streamsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
        cpuMsPerStream: round3(median(runs.map(cpuPerStream))),
        firstTokenP50Ms: median(runs.map((run) => run.firstTokenP50Ms)),
        firstTokenP99Ms: median(runs.map((run) => run.firstTokenP99Ms)),
        p50Ms: median(runs.map((run) => run.p50Ms)),
        errors: runs.reduce((sum, run) => sum + run.errors, 0),
      };
      if (target.key.startsWith('ours') || target.key.startsWith('sdk')) {
        const ratios = runs.map((run, round) => cpuPerStream(run) / cpuPerStream(byKey.proxy[round]));
        row.cpuVsProxy = round2(median(ratios));
        row.cpuVsProxyRange = [round2(Math.min(...ratios)), round2(Math.max(...ratios))];
        const over = runs.map((run, round) => run.firstTokenP50Ms - byKey.direct[round].firstTokenP50Ms);
        row.firstTokenOverDirectMs = round2(median(over));
      }
      return row;
    });
    return { seconds, rounds, behaviour: BEHAVIOUR, results };
  } finally {
    await stopAll(children);
    await sim.stop();
  }
}

/** Prints the benchmark's table. */
export function printLimitsStreaming(result) {
  console.log(
    `\n6. Limits, streams (${result.behaviour.outputTokens} tokens at ${result.behaviour.tokensPerSecond} tokens/s): ${result.rounds} rotating rounds\n`,
  );
  console.table(
    result.results.map(({ key, cpuVsProxyRange, ...row }) => ({
      ...row,
      cpuVsProxy: row.cpuVsProxy === undefined ? '' : `${row.cpuVsProxy} (${cpuVsProxyRange.join('-')})`,
    })),
  );
}
