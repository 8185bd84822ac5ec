import { fileURLToPath } from 'node:url';
import { ConverseCommand, ThrottlingException } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { loadScenario, type Simulator } from '../src/index.js';
import { HAIKU, rejection, runtimeClient, simulators, TOKYO_PROMPT, userMessage } from './sdk.js';

const startSimulator = simulators();
const scenario = fileURLToPath(new URL('../scenarios/daily-quota.yaml', import.meta.url));
const DAILY_MESSAGE = 'Too many tokens per day, please wait before trying again.';

function converse(sim: Simulator, region = 'us-east-1') {
  return runtimeClient(sim, region).send(
    new ConverseCommand({ modelId: HAIKU, messages: userMessage(TOKYO_PROMPT) }),
  );
}

/** Sends requests until one is refused; returns how many were answered and the refusal. */
async function spendTheDay(sim: Simulator): Promise<{ answered: number; error: Error }> {
  for (let answered = 0; answered < 100; answered++) {
    try {
      await converse(sim);
    } catch (error) {
      return { answered, error: error as Error };
    }
  }
  throw new Error('the daily quota never ran out');
}

async function start(): Promise<Simulator> {
  const sim = await startSimulator(await loadScenario(scenario));
  // Start the 3 s window now, so that the test does not straddle a window boundary.
  sim.newDay();
  return sim;
}

describe('tokens per day (daily-quota)', () => {
  it('refuses with Bedrock daily message once the day is spent, though the minute has room', async () => {
    const sim = await start();
    const { answered, error } = await spendTheDay(sim);
    expect(answered).toBeGreaterThan(5);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error.message).toBe(DAILY_MESSAGE);
    const capacity = sim.capacity()[`on-demand:us-east-1:${HAIKU}`]!;
    expect(capacity).toMatchObject({ tokensPerDay: 200, throttled: { 'tokens-per-day': 1 } });
    expect(capacity.tokens).toBeGreaterThan(1_000_000);
    const overHttp = (await (await fetch(`${sim.url}/_simulator/capacity`)).json()) as {
      capacity: Record<string, unknown>;
    };
    expect(overHttp.capacity[`on-demand:us-east-1:${HAIKU}`]).toMatchObject({ tokensPerDay: 200 });
    // Still refused: retrying within the day does not help.
    expect((await rejection(converse(sim))).message).toBe(DAILY_MESSAGE);
    // Another region's daily quota is its own.
    await expect(converse(sim, 'us-west-2')).resolves.toBeDefined();
  });

  it('answers again once a new day starts, in process or over the admin API', async () => {
    const sim = await start();
    await spendTheDay(sim);
    sim.newDay();
    await expect(converse(sim)).resolves.toBeDefined();
    await spendTheDay(sim);
    const response = await fetch(`${sim.url}/_simulator/new-day`, { method: 'POST' });
    expect(response.status).toBe(204);
    await expect(converse(sim)).resolves.toBeDefined();
  });

  it('answers again when the daily window (dayMs) ends by itself', async () => {
    const sim = await start();
    await spendTheDay(sim);
    const resetsAt = Date.parse(sim.capacity()[`on-demand:us-east-1:${HAIKU}`]!.dayResetsAt!);
    await expect
      .poll(
        async () =>
          await converse(sim).then(
            () => 'answered',
            (error: Error) => error.message,
          ),
        {
          timeout: 5_000,
          interval: 100,
        },
      )
      .toBe('answered');
    expect(Date.now()).toBeGreaterThanOrEqual(resetsAt);
  });

  it('defaults the daily quota to a day of the per-minute quota', async () => {
    const sim = await startSimulator({ quotas: { overrides: [{ model: HAIKU, tokensPerMinute: 10_000 }] } });
    await converse(sim);
    expect(sim.capacity()[`on-demand:us-east-1:${HAIKU}`]!.tokensPerDay).toBe(10_000 * 1440);
  });
});
