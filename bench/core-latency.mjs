// Benchmark 1: the latency @bedrock-ha/core adds on the hot path. One request at a time (so the
// CPU is not a queue), `ha.converse` against a raw `BedrockRuntimeClient` built by the core's own
// default client factory (keep-alive HTTP/1.1, `maxAttempts: 1`): the two differ only by the
// engine. Targets are interleaved request by request, so drift on a shared machine hits all alike;
// "added" is the median of the paired differences. Streaming: time to the first content event
// the caller sees, ConverseStream through the engine against the raw SDK.
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { createBedrockHA, defaultClientFactory } from '@bedrock-ha/core';
import { median, round3, summarizeLatencies } from './percentiles.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const CHAIN = 'haiku';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const messages = [{ role: 'user', content: [{ text: 'what is the largest city in the world?' }] }];
const streamMessages = [{ role: 'user', content: [{ text: 'Explain failover in a few sentences.' }] }];

/**
 * Reads a stream until its first content event; returns when that came, then drains the rest.
 * Throws when the stream carried no content: a missing sample must fail the run, not become NaN.
 */
async function firstContent(stream, started) {
  let at;
  for await (const event of stream) if (at === undefined && event.contentBlockDelta) at = performance.now();
  if (at === undefined) throw new Error('the stream ended without a contentBlockDelta event');
  return at - started;
}

function makeTargets(url) {
  const raw = defaultClientFactory({ region: 'us-east-1', client: { endpoint: url, credentials } });
  const config = {
    client: { endpoint: url, credentials },
    chains: {
      [CHAIN]: {
        endpoints: [
          { id: 'east', region: 'us-east-1', modelId: HAIKU },
          { id: 'west', region: 'us-west-2', modelId: HAIKU },
        ],
      },
    },
  };
  const quiet = createBedrockHA(config, { telemetry: false });
  // The default: the global OpenTelemetry API with no SDK registered (no-op).
  const traced = createBedrockHA(config);
  const engine = (ha) => ({
    converse: () => ha.converse(CHAIN, { messages }),
    firstToken: async () => {
      const started = performance.now();
      const result = await ha.converseStream(CHAIN, { messages: streamMessages });
      return firstContent(result.stream, started);
    },
  });
  return {
    targets: [
      {
        key: 'raw',
        name: 'raw SDK client.send (same handler)',
        converse: () => raw.send(new ConverseCommand({ modelId: HAIKU, messages })),
        firstToken: async () => {
          const started = performance.now();
          const output = await raw.send(
            new ConverseStreamCommand({ modelId: HAIKU, messages: streamMessages }),
          );
          return firstContent(output.stream, started);
        },
      },
      { key: 'converse', name: 'engine (ha.converse / ha.converseStream), telemetry off', ...engine(quiet) },
      {
        key: 'telemetry',
        name: 'engine, default telemetry (no OpenTelemetry SDK registered: no-op API)',
        ...engine(traced),
      },
    ],
    close: () => {
      raw.destroy();
      quiet.destroy();
      traced.destroy();
    },
  };
}

/** `count` rounds; in each, every target makes one measured call, starting one target later each round. */
async function interleave(targets, count, measure) {
  const samples = new Map(targets.map((target) => [target.key, []]));
  for (let round = 0; round < count; round++) {
    for (let offset = 0; offset < targets.length; offset++) {
      const target = targets[(round + offset) % targets.length];
      samples.get(target.key).push(await measure(target));
    }
  }
  return samples;
}

const timed = async (call) => {
  const started = performance.now();
  await call();
  return performance.now() - started;
};

function rows(targets, samples, phase) {
  const raw = samples.get('raw');
  const rawP50 = summarizeLatencies(raw).p50Ms;
  return targets.map((target) => {
    const own = samples.get(target.key);
    const summary = summarizeLatencies(own);
    return {
      phase,
      key: target.key,
      name: target.name,
      ...summary,
      p50Ratio: round3(summary.p50Ms / rawP50),
      addedUs: Math.round(median(own.map((value, index) => value - raw[index])) * 1000),
    };
  });
}

/** Runs every phase; returns one row per target and phase. */
export async function coreLatency({
  requests = 2_000,
  streams = 800,
  slowRequests = 200,
  modelLatencyMs = 20,
} = {}) {
  const sim = await startSimulatorProcess();
  const { targets, close } = makeTargets(sim.url);
  try {
    await interleave(targets, 200, (target) => timed(target.converse)); // warm-up
    await interleave(targets, 50, (target) => target.firstToken());
    const converse = await interleave(targets, requests, (target) => timed(target.converse));
    const firstToken = await interleave(targets, streams, (target) => target.firstToken());
    // A model that takes `modelLatencyMs` to answer, as every real one does (and far more).
    await sim.addFault({ match: {}, fault: { type: 'latency', ms: modelLatencyMs } });
    const slow = await interleave(targets, slowRequests, (target) => timed(target.converse));
    await sim.clearFaults();
    return {
      requests,
      streams,
      slowRequests,
      modelLatencyMs,
      results: [
        ...rows(targets, converse, 'Converse, simulator answers at once'),
        ...rows(targets, firstToken, 'ConverseStream, time to first token'),
        ...rows(targets, slow, `Converse, model answers in ${modelLatencyMs} ms`),
      ],
    };
  } finally {
    close();
    await sim.stop();
  }
}
