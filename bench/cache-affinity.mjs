// Benchmark 10 (cache affinity): prompt-cache hits of a multi-turn workload with affinity against
// weighted spreading (issue 18.2). Three equivalent on-demand endpoints (Claude 3 Haiku in three
// regions) behind one weighted chain; the simulator keeps a prompt cache per endpoint (5-minute TTL,
// 1,024-token minimum). Each session is a conversation: a shared system prompt (~1,500 tokens) with
// a cachePoint, then the growing history with a cachePoint after the latest user message, as
// Anthropic recommends for multi-turn chats.
// - spread: `sessions` x `turns` turns, with and without an affinity key. A turn "hits" when it
//   reads the whole prefix its previous turn cached (the conversation so far), which only the
//   endpoint that served that turn has. Targets: affinity >= 80% of the turns after the first, and
//   >= 2x weighted spreading. The share of prompt tokens read from the cache is shown beside.
// - failover: with affinity, one endpoint throttles every request for a while. Its sessions must
//   fail over to one stand-in each (so they hit its cache from the second outage turn), then go
//   back home once its breaker lets a probe through, reading the home's still-warm cache.
import { createBedrockHA } from '@bedrock-ha/core';
import { round3 } from './percentiles.mjs';
import { startSimulatorProcess, UNLIMITED } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const HALF_OPEN_AFTER_MS = 1_000;
const CACHE_POINT = { cachePoint: { type: 'default' } };

function engine(url) {
  return createBedrockHA(
    {
      client: { endpoint: url, credentials },
      // A short cool-down keeps the failover phase short; the return rule does not depend on it.
      policy: {
        breaker: {
          mode: 'consecutive',
          failures: 3,
          halfOpenAfterMs: HALF_OPEN_AFTER_MS,
          maxHalfOpenAfterMs: HALF_OPEN_AFTER_MS,
        },
      },
      chains: {
        chat: {
          routing: 'weighted',
          endpoints: REGIONS.map((region) => ({ id: region, region, modelId: HAIKU })),
        },
      },
    },
    { telemetry: false },
  );
}

const filler = (words) => Array.from({ length: words }, (_, index) => `word${index % 97}`).join(' ');

/** A conversation: its history, and what each of its turns read from the cache. */
function session(id, system) {
  return { id, system, history: [], turns: [] };
}

/** Sends the next turn of `conversation`; records its endpoint and cache use. */
async function nextTurn(ha, conversation, affinity, started) {
  const index = conversation.turns.length;
  const question = { role: 'user', content: [{ text: `${conversation.id} turn ${index}: ${filler(150)}` }] };
  const result = await ha.converse(
    'chat',
    {
      system: [{ text: conversation.system }, CACHE_POINT],
      messages: [...conversation.history, { ...question, content: [...question.content, CACHE_POINT] }],
      inferenceConfig: { maxTokens: 200 },
    },
    affinity ? { affinityKey: conversation.id } : {},
  );
  conversation.history.push(question, result.output.message);
  const { inputTokens = 0, cacheReadInputTokens = 0, cacheWriteInputTokens = 0 } = result.usage ?? {};
  const previous = conversation.turns.at(-1);
  conversation.turns.push({
    at: performance.now() - started,
    endpoint: result.servedBy.endpointId,
    read: cacheReadInputTokens,
    // The longest checkpoint this turn read or wrote: the prefix the next turn can read.
    prefix: cacheReadInputTokens + cacheWriteInputTokens,
    prompt: inputTokens + cacheReadInputTokens + cacheWriteInputTokens,
    hit: previous !== undefined && cacheReadInputTokens >= previous.prefix,
  });
}

/** One turn of every conversation, `concurrency` at a time. */
async function round(ha, conversations, affinity, concurrency, started) {
  const queue = [...conversations];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await nextTurn(ha, next, affinity, started);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function hitFigures(conversations) {
  const later = conversations.flatMap((conversation) => conversation.turns.slice(1));
  const read = later.reduce((sum, turn) => sum + turn.read, 0);
  const prompt = later.reduce((sum, turn) => sum + turn.prompt, 0);
  return {
    turns: later.length,
    hitRate: round3(later.filter((turn) => turn.hit).length / later.length),
    cachedTokenShare: round3(read / prompt),
    endpointsPerSession: round3(
      conversations.reduce((sum, each) => sum + new Set(each.turns.map((turn) => turn.endpoint)).size, 0) /
        conversations.length,
    ),
  };
}

async function spread(url, sessions, turns, concurrency) {
  const figures = {};
  for (const mode of ['affinity', 'weighted']) {
    const ha = engine(url);
    try {
      // Each mode has a system prompt of its own: the other mode's cache entries do not help it.
      const system = `Mode ${mode}. ${filler(1_500)}`;
      const conversations = Array.from({ length: sessions }, (_, index) =>
        session(`${mode}-${index}`, system),
      );
      const started = performance.now();
      for (let turn = 0; turn < turns; turn++)
        await round(ha, conversations, mode === 'affinity', concurrency, started);
      figures[mode] = hitFigures(conversations);
    } finally {
      ha.destroy();
    }
  }
  return figures;
}

async function failover(sim, sessions, concurrency) {
  const ha = engine(sim.url);
  const system = `Failover. ${filler(1_500)}`;
  const conversations = Array.from({ length: sessions }, (_, index) => session(`failover-${index}`, system));
  const started = performance.now();
  try {
    for (let turn = 0; turn < 2; turn++) await round(ha, conversations, true, concurrency, started);
    const down = 'us-east-1';
    const homed = conversations.filter((conversation) => conversation.turns[0].endpoint === down);
    const fault = await sim.addFault({
      match: { region: down },
      fault: { type: 'error', error: 'ThrottlingException' },
    });
    const outageFrom = homed.map((conversation) => conversation.turns.length);
    for (let turn = 0; turn < 3; turn++) await round(ha, conversations, true, concurrency, started);
    await sim.removeFault(fault);
    const recoveredAt = performance.now() - started;
    const backFrom = homed.map((conversation) => conversation.turns.length);
    // Rounds until every homed session was served at home again (for at most 15 s).
    let rounds = 0;
    const allHome = () => homed.every((conversation) => conversation.turns.at(-1).endpoint === down);
    while (rounds === 0 || (!allHome() && performance.now() - started - recoveredAt < 15_000)) {
      await round(ha, conversations, true, concurrency, started);
      rounds++;
    }
    const outageTurns = homed.flatMap((conversation, index) =>
      conversation.turns.slice(outageFrom[index], backFrom[index]),
    );
    const backTurns = homed.flatMap((conversation, index) => conversation.turns.slice(backFrom[index]));
    const firstHome = backTurns.filter((turn) => turn.endpoint === down).map((turn) => turn.at);
    const standIns = homed.map(
      (conversation, index) =>
        new Set(conversation.turns.slice(outageFrom[index], backFrom[index]).map((turn) => turn.endpoint))
          .size,
    );
    const returned = homed.map((conversation, index) => conversation.turns.slice(backFrom[index]).at(-1));
    return {
      down,
      sessions,
      homedSessions: homed.length,
      outageTurns: outageTurns.length,
      outageOffHome: round3(outageTurns.filter((turn) => turn.endpoint !== down).length / outageTurns.length),
      // After the first outage turn each session stays on one stand-in and reads its cache.
      outageStandInsPerSession: round3(standIns.reduce((sum, count) => sum + count, 0) / standIns.length),
      outageHitRateAfterFirst: round3(
        homed
          .flatMap((conversation, index) => conversation.turns.slice(outageFrom[index] + 1, backFrom[index]))
          .filter((turn) => turn.hit).length /
          homed.reduce((sum, _conversation, index) => sum + (backFrom[index] - outageFrom[index] - 1), 0),
      ),
      recoveryRounds: rounds,
      returnedHome: round3(returned.filter((turn) => turn.endpoint === down).length / homed.length),
      returnMs: firstHome.length > 0 ? Math.round(Math.min(...firstHome) - recoveredAt) : undefined,
      // The home's cache outlived the outage: back home, a turn reads the prefix cached before it.
      homeCacheReadOnReturn: round3(
        homed.filter((conversation, index) => {
          const back = conversation.turns.slice(backFrom[index]).find((turn) => turn.endpoint === down);
          return (
            back !== undefined &&
            back.read > 0 &&
            back.read >= conversation.turns[outageFrom[index] - 1].prefix
          );
        }).length / homed.length,
      ),
      halfOpenAfterMs: HALF_OPEN_AFTER_MS,
    };
  } finally {
    ha.destroy();
  }
}

export async function cacheAffinity({ sessions = 50, turns = 6, concurrency = 8 } = {}) {
  const sim = await startSimulatorProcess({
    quotas: { onDemand: UNLIMITED },
    models: { '*': { outputTokens: 120 } },
  });
  try {
    const figures = await spread(sim.url, sessions, turns, concurrency);
    return {
      sessions,
      turns,
      concurrency,
      endpoints: REGIONS.length,
      ...figures,
      hitRateRatio: round3(figures.affinity.hitRate / Math.max(figures.weighted.hitRate, 0.001)),
      failover: await failover(sim, 30, concurrency),
    };
  } finally {
    await sim.stop();
  }
}
