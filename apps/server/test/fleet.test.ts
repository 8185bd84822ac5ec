import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, PRIMARY_PT, startRedisServer } from '@bedrock-ha/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, CREDENTIALS, HAIKU, harness, openaiClient, SIMULATOR, TOKYO } from './harness.js';
import { BIN, runServer, type ServerProcess } from './server-process.js';

const test = harness();
let directory = '';

beforeAll(async () => {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: run \`pnpm turbo run build --filter=@bedrock-ha/server...\` first`);
  directory = await mkdtemp(join(tmpdir(), 'bedrock-ha-fleet-'));
  return () => rm(directory, { recursive: true, force: true });
});

/**
 * The PT, then on-demand Haiku; one failure per request (no retry), a breaker that opens on 3 in a
 * row and stays open for a minute (so that whether instance B skips the PT does not depend on how
 * soon it asks), and a 1 s store bound (a loaded machine must not turn shared state local).
 */
function fleetConfig(simulatorUrl: string): string {
  return [
    `client: { endpoint: "${simulatorUrl}", credentials: { accessKeyId: ${CREDENTIALS.accessKeyId}, secretAccessKey: ${CREDENTIALS.secretAccessKey} } }`,
    'state: { timeoutMs: 1000 }',
    'chains:',
    '  claude-haiku:',
    '    endpoints:',
    `      - { id: pt-east, modelId: "${PRIMARY_PT}" }`,
    `      - { id: haiku-west, region: us-west-2, modelId: "${HAIKU}" }`,
    '    policy:',
    '      retry: { maxAttempts: 1 }',
    '      breaker: { mode: consecutive, failures: 3, halfOpenAfterMs: 60000, maxHalfOpenAfterMs: 60000 }',
  ].join('\n');
}

/** Requests the simulator received in a region. */
function sentTo(sim: { counters(filter: { region: string }): { requests: number }[] }, region: string) {
  return sim.counters({ region }).reduce((sum, counter) => sum + counter.requests, 0);
}

/** One chat completion through a gateway: which endpoint served it, after how many attempts (skips count). */
async function ask(server: { url: string }): Promise<{ endpoint: string | null; attempts: string | null }> {
  const { response } = await openaiClient(server.url)
    .chat.completions.create({ model: 'claude-haiku', messages: [{ role: 'user', content: TOKYO }] })
    .withResponse();
  return {
    endpoint: response.headers.get('x-bedrock-ha-endpoint'),
    attempts: response.headers.get('x-bedrock-ha-attempts'),
  };
}

const FAILED_OVER = { endpoint: 'haiku-west', attempts: '2' };

/** `GET /v1/endpoints` of a gateway: each endpoint's breaker, by id. */
async function breakers(server: { url: string }): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/v1/endpoints`, {
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  const { data } = (await response.json()) as { data: { endpointId: string; breaker: unknown }[] };
  return Object.fromEntries(data.map((endpoint) => [endpoint.endpointId, endpoint.breaker]));
}

describe('a fleet of bedrock-ha-server processes sharing one Redis (BEDROCK_HA_STATE_URL)', () => {
  it('makes instance B skip the PT whose breaker instance A opened, without B sending to it', async () => {
    const redis = await startRedisServer();
    test.defer(() => redis.stop());
    const sim = await test.simulator(SIMULATOR);
    const config = join(directory, 'fleet.yaml');
    await writeFile(config, fleetConfig(sim.url));
    const start = async (): Promise<ServerProcess & { url: string }> => {
      const server = runServer(test, {
        BEDROCK_HA_CONFIG: config,
        BEDROCK_HA_STATE_URL: redis.url,
        PORT: '0',
        HOST: '127.0.0.1',
        BEDROCK_HA_API_KEYS: API_KEY,
      });
      const url = (await server.line('start')).url as string;
      // Connected to Redis before the test relies on it (the server serves on local state until then).
      expect(await server.line('state-store')).toMatchObject({ state: 'up' });
      return Object.assign(server, { url });
    };
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.url).not.toBe(b.url);

    // Instance A meets a PT outage: it fails over each time and opens the PT's breaker.
    const outage = sim.faults.add({
      match: { region: 'us-east-1' },
      fault: { type: 'error', error: 'ServiceUnavailableException' },
    });
    for (let request = 0; request < 3; request++) expect(await ask(a)).toEqual(FAILED_OVER);
    expect((await breakers(a))['pt-east']).toBe('open');
    await eventually(
      async () => (await redis.cli('GET', 'bedrock-ha:{pt-east}:breaker')).includes('"open"'),
      10_000,
      "A's breaker record in Redis",
    );
    sim.faults.remove(outage);

    // Instance B has seen no failure, and the PT is healthy again; B still skips it (an attempt
    // that sends nothing), as A decided.
    const sentBefore = sentTo(sim, 'us-east-1');
    expect(await ask(b)).toEqual(FAILED_OVER);
    expect(await ask(b)).toEqual(FAILED_OVER);
    expect(sentTo(sim, 'us-east-1')).toBe(sentBefore);
    // B's health shows the fleet's breaker it read, though its own breaker never opened.
    expect((await breakers(b))['pt-east']).toBe('open');

    for (const server of [a, b]) server.child.kill('SIGTERM');
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
  }, 40_000);
});
