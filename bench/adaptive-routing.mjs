// Benchmark 6: adaptive routing against ordered routing when one region is 400 ms slower (issue
// 18.1). The chain lists the slow region (us-east-1) first, so ordered routing sends it everything.
// Closed loop, `concurrency` requests in flight, one engine at a time on the same simulator:
// - slow phase: after a warm-up, p50 of each engine and the share the adaptive one sends to the
//   fast region (us-west-2). Targets: share >= 80%, adaptive p50 below ordered's.
// - recovery: us-east-1 recovers and us-west-2 turns 400 ms slower: the time until 80% of the last
//   20 requests go to us-east-1 again.
// - equal: us-east-1 recovers and both are as fast: us-east-1's share in the next seconds (shown
//   only; exploration alone would send it about 5%).
import { createBedrockHA } from '@bedrock-ha/core';
import { round3, summarizeLatencies } from './percentiles.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const messages = [{ role: 'user', content: [{ text: 'what is the largest city in the world?' }] }];
const SLOW_MS = 400;

function engine(url, routing) {
  return createBedrockHA(
    {
      client: { endpoint: url, credentials },
      chains: {
        chain: {
          routing,
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    },
    { telemetry: false },
  );
}

/** Runs requests with `concurrency` in flight until `until()` says stop; every request's record. */
async function load(ha, concurrency, until) {
  const records = [];
  const started = performance.now();
  const worker = async () => {
    while (!until(records, performance.now() - started)) {
      const begin = performance.now();
      const answer = await ha.converse('chain', { messages });
      const end = performance.now();
      records.push({ at: end - started, latencyMs: end - begin, servedBy: answer.servedBy.endpointId });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return records;
}

const share = (records, id) => records.filter((record) => record.servedBy === id).length / records.length;
const forMs = (ms) => (_records, elapsed) => elapsed >= ms;

export async function adaptiveRouting({ seconds = 4, concurrency = 4, warmUpRequests = 20 } = {}) {
  const sim = await startSimulatorProcess();
  try {
    const slowEast = await sim.addFault({
      match: { region: 'us-east-1' },
      fault: { type: 'latency', ms: SLOW_MS },
    });
    const slow = {};
    for (const routing of ['ordered', 'adaptive']) {
      const ha = engine(sim.url, routing);
      try {
        await load(ha, concurrency, (records) => records.length >= warmUpRequests);
        const records = await load(ha, concurrency, forMs(seconds * 1_000));
        slow[routing] = {
          ...summarizeLatencies(records.map((record) => record.latencyMs)),
          fastShare: round3(share(records, 'west')),
        };
      } finally {
        ha.destroy();
      }
    }

    const ha = engine(sim.url, 'adaptive');
    try {
      await load(ha, concurrency, (records) => records.length >= warmUpRequests);
      // Recovery with the other region slowing down: until 80% of the last 20 go east.
      await sim.removeFault(slowEast);
      const slowWest = await sim.addFault({
        match: { region: 'us-west-2' },
        fault: { type: 'latency', ms: SLOW_MS },
      });
      const flipped = (records, elapsed) =>
        elapsed >= 30_000 || (records.length >= 20 && share(records.slice(-20), 'east') >= 0.8);
      const flip = await load(ha, concurrency, flipped);
      const rebalanced = flip.length >= 20 && share(flip.slice(-20), 'east') >= 0.8;
      // Back to slow east, then recovery to equal speed.
      await sim.removeFault(slowWest);
      const slowAgain = await sim.addFault({
        match: { region: 'us-east-1' },
        fault: { type: 'latency', ms: SLOW_MS },
      });
      await load(ha, concurrency, forMs(2_000));
      await sim.removeFault(slowAgain);
      const equal = await load(ha, concurrency, forMs(seconds * 1_000));
      const firstEast = equal.find((record) => record.servedBy === 'east');
      return {
        slowMs: SLOW_MS,
        concurrency,
        seconds,
        ordered: slow.ordered,
        adaptive: slow.adaptive,
        p50Ratio: round3(slow.adaptive.p50Ms / slow.ordered.p50Ms),
        rebalanceMs: rebalanced ? Math.round(flip.at(-1).at) : undefined,
        rebalanceRequests: flip.length,
        equalEastShare: round3(share(equal, 'east')),
        equalFirstEastMs: firstEast && Math.round(firstEast.at),
      };
    } finally {
      ha.destroy();
    }
  } finally {
    await sim.stop();
  }
}
