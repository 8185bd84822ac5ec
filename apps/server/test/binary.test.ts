import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '@bedrock-ha/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, CREDENTIALS, HAIKU, harness, openaiClient, SIMULATOR, TOKYO } from './harness.js';
import { BIN, runServer } from './server-process.js';

const EXAMPLE_CONFIG = fileURLToPath(new URL('../examples/bedrock-ha.yaml', import.meta.url));
const SEED_SCENARIO = fileURLToPath(
  new URL('../../../packages/simulator/scenarios/seed-walkthrough.yaml', import.meta.url),
);
const test = harness();
let directory = '';

beforeAll(async () => {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: run \`pnpm turbo run build --filter=@bedrock-ha/server...\` first`);
  directory = await mkdtemp(join(tmpdir(), 'bedrock-ha-server-'));
  return () => rm(directory, { recursive: true, force: true });
});

/** Runs the built binary with `env`; `lines` are its stdout JSON lines as they come. */
function run(env: Record<string, string>) {
  return runServer(test, env);
}

async function configFile(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

describe('the bedrock-ha-server binary', () => {
  it('starts with the README’s config file, answers, and exits 0 on SIGTERM', async () => {
    const sim = await test.simulator(await loadScenario(SEED_SCENARIO));
    const config = EXAMPLE_CONFIG;
    const server = run({
      BEDROCK_HA_CONFIG: config,
      BEDROCK_ENDPOINT_URL: sim.url,
      PORT: '0',
      HOST: '127.0.0.1',
      BEDROCK_HA_API_KEYS: `other-key, ${API_KEY}`,
    });
    const started = await server.line('start');
    expect(started).toMatchObject({ chains: ['claude-haiku'], apiKeyCount: 2 });
    const url = started.url as string;

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const { data, response } = await openaiClient(url)
      .chat.completions.create({ model: 'claude-haiku', messages: [{ role: 'user', content: TOKYO }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Tokyo');
    expect(response.headers.get('x-bedrock-ha-endpoint')).toBe('pt-east');
    await server.line('request');

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.lines.map((line) => line.event)).toEqual(
      expect.arrayContaining(['start', 'request', 'shutdown', 'stopped']),
    );
    expect(server.stderr()).toBe('');
  });

  it('exits 2 naming the problem, without a stack trace, for a bad config file', async () => {
    const config = await configFile(
      'bad.yaml',
      ['chains:', '  chat:', '    endpoints:', '      - { id: primary, region: us-east-1 }'].join('\n'),
    );
    const server = run({ BEDROCK_HA_CONFIG: config, PORT: '0' });
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toContain(`The bedrock-ha configuration in ${config} has a problem`);
    expect(server.stderr()).toContain('chains.chat.endpoints.0.modelId');
    expect(server.stderr()).not.toMatch(/\n\s+at /);
  });

  it('exits 2 listing every bad variable when the environment is wrong', async () => {
    const server = run({ PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(await server.exited).toBe(2);
    const stderr = server.stderr();
    expect(stderr).toContain('BEDROCK_HA_CONFIG is not set');
    expect(stderr).toContain('PORT "eighty"');
    expect(stderr).toContain('LOG_LEVEL "loud"');
  });

  it('listens on loopback by default and logs the address it bound, every interface included', async () => {
    const loopback = run({ BEDROCK_HA_CONFIG: EXAMPLE_CONFIG, PORT: '0' });
    const started = await loopback.line('start');
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.msg).toBe(`bedrock-ha-server listening on ${started.url}`);
    loopback.child.kill('SIGTERM');
    expect(await loopback.exited).toBe(0);

    const everywhere = run({
      BEDROCK_HA_CONFIG: EXAMPLE_CONFIG,
      PORT: '0',
      HOST: '0.0.0.0',
      BEDROCK_HA_API_KEYS: API_KEY,
    });
    const url = (await everywhere.line('start')).url as string;
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const port = new URL(url).port;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    everywhere.child.kill('SIGTERM');
    expect(await everywhere.exited).toBe(0);
  });

  it('refuses to listen beyond loopback without API keys unless BEDROCK_HA_AUTH=none says so', async () => {
    const open = run({ BEDROCK_HA_CONFIG: EXAMPLE_CONFIG, PORT: '0', HOST: '0.0.0.0' });
    expect(await open.exited).toBe(2);
    expect(open.stderr()).toBe(
      "bedrock-ha-server: refusing to listen on 0.0.0.0 without API keys: anyone who can reach it could call Bedrock with this server's AWS credentials. " +
        'Set BEDROCK_HA_API_KEYS=key1,key2 (bedrock-ha serve: --api-key), listen on loopback only with HOST=127.0.0.1 (--host 127.0.0.1), ' +
        'or, behind a proxy that authenticates clients, accept every client with BEDROCK_HA_AUTH=none\n',
    );
    expect(open.lines).toEqual([]);

    const optedOut = run({
      BEDROCK_HA_CONFIG: EXAMPLE_CONFIG,
      PORT: '0',
      HOST: '0.0.0.0',
      BEDROCK_HA_AUTH: 'none',
    });
    expect(await optedOut.line('start')).toMatchObject({ apiKeyCount: 0, auth: 'none' });
    optedOut.child.kill('SIGTERM');
    expect(await optedOut.exited).toBe(0);
  });

  it('exits 2 when BEDROCK_HA_API_KEYS holds no key, instead of serving without auth', async () => {
    const server = run({ BEDROCK_HA_CONFIG: EXAMPLE_CONFIG, PORT: '0', BEDROCK_HA_API_KEYS: ' , ,' });
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toContain(
      'BEDROCK_HA_API_KEYS is set but holds no key: give comma-separated keys (key1,key2), or unset it',
    );
    expect(server.lines).toEqual([]);
  });

  it('starts no OpenTelemetry SDK without an exporter configured, so a stop does not wait on one', async () => {
    const sim = await test.simulator(await loadScenario(SEED_SCENARIO));
    const server = run({
      BEDROCK_HA_CONFIG: EXAMPLE_CONFIG,
      BEDROCK_ENDPOINT_URL: sim.url,
      PORT: '0',
      BEDROCK_HA_API_KEYS: API_KEY,
      OTEL_SDK_DISABLED: '',
    });
    const started = await server.line('start');
    expect(started).toMatchObject({ telemetry: false });
    // A request leaves spans and metrics that an SDK would try to export to localhost:4318.
    await openaiClient(started.url as string).chat.completions.create({
      model: 'claude-haiku',
      messages: [{ role: 'user', content: TOKYO }],
    });
    const stopping = performance.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // With the SDK's default exporter it took the whole 8 s budget; a loose bound for a busy machine.
    expect(performance.now() - stopping).toBeLessThan(5_000);
  });

  it('logs the access line of a request the shutdown cuts before the process exits', async () => {
    const sim = await test.simulator({
      ...SIMULATOR,
      models: { '*': { tokensPerSecond: 20, outputTokens: 2_000 } },
    });
    const config = await configFile(
      'slow.yaml',
      [
        `client: { endpoint: "${sim.url}", credentials: { accessKeyId: ${CREDENTIALS.accessKeyId}, secretAccessKey: ${CREDENTIALS.secretAccessKey} } }`,
        'chains:',
        '  chat:',
        `    endpoints: [{ id: west, region: us-west-2, modelId: "${HAIKU}" }]`,
      ].join('\n'),
    );
    const server = run({
      BEDROCK_HA_CONFIG: config,
      PORT: '0',
      BEDROCK_HA_API_KEYS: API_KEY,
      BEDROCK_HA_SHUTDOWN_TIMEOUT_MS: '2000',
    });
    const url = (await server.line('start')).url as string;
    const stream = await openaiClient(url).chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'tell me a very long story' }],
      stream: true,
    });
    const reading = (async () => {
      for await (const _chunk of stream);
    })().catch((error: unknown) => error);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await reading;
    const events = server.lines.map((line) => line.event);
    expect(events.indexOf('request')).toBeGreaterThan(events.indexOf('shutdown-timeout'));
    expect(events.indexOf('request')).toBeLessThan(events.indexOf('stopped'));
    expect(server.lines.find((line) => line.event === 'request')).toMatchObject({
      route: 'POST /v1/chat/completions',
      chain: 'chat',
      status: 200,
      outcome: 'cut-by-shutdown',
      error: { name: 'ShutdownCut' },
    });
  });

  it('keeps requests with one BEDROCK_HA_AFFINITY_HEADER value on one endpoint, and refuses a bad name', async () => {
    const sim = await test.simulator(SIMULATOR);
    const config = await configFile(
      'spread.yaml',
      [
        `client: { endpoint: "${sim.url}", credentials: { accessKeyId: ${CREDENTIALS.accessKeyId}, secretAccessKey: ${CREDENTIALS.secretAccessKey} } }`,
        'chains:',
        '  spread:',
        '    routing: weighted',
        '    endpoints:',
        ...['us-east-1', 'us-west-2', 'eu-west-1'].map(
          (region) => `      - { id: ${region}, region: ${region}, modelId: "${HAIKU}" }`,
        ),
      ].join('\n'),
    );
    const server = run({
      BEDROCK_HA_CONFIG: config,
      PORT: '0',
      BEDROCK_HA_API_KEYS: API_KEY,
      BEDROCK_HA_AFFINITY_HEADER: 'X-Conversation',
    });
    const client = openaiClient((await server.line('start')).url as string);
    const servedBy = async (headers: Record<string, string>, times: number) => {
      const endpoints = new Set<string | null>();
      for (let index = 0; index < times; index++) {
        const { response } = await client.chat.completions
          .create({ model: 'spread', messages: [{ role: 'user', content: 'hello' }] }, { headers })
          .withResponse();
        endpoints.add(response.headers.get('x-bedrock-ha-endpoint'));
      }
      return endpoints;
    };
    // The configured header is the key, whatever case the variable gave it in.
    const sticky = await servedBy({ 'x-conversation': 'conversation-1' }, 8);
    expect(sticky.size).toBe(1);
    expect([...sticky][0]).toMatch(/^(us-east-1|us-west-2|eu-west-1)$/);
    // x-session-id is no longer the key: requests carrying only it spread by weight.
    expect((await servedBy({ 'x-session-id': 'session-1' }, 12)).size).toBeGreaterThan(1);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const refused = run({ BEDROCK_HA_CONFIG: config, PORT: '0', BEDROCK_HA_AFFINITY_HEADER: 'session id' });
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toContain('BEDROCK_HA_AFFINITY_HEADER "session id" is not a header name');
  });
});
