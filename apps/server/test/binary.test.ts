import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '@bedrock-ha/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, harness, openaiClient, TOKYO } from './harness.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
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
  const child = spawn(process.execPath, [BIN], {
    env: {
      PATH: process.env.PATH ?? '',
      OTEL_SDK_DISABLED: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  test.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line));
    for (const waiter of waiters.splice(0)) waiter();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
    /** Waits for the first stdout line with this `event`. */
    async line(event: string): Promise<Record<string, unknown>> {
      for (;;) {
        const found = lines.find((line) => line.event === event);
        if (found) return found;
        const next = new Promise<void>((resolve) => waiters.push(resolve));
        const status = await Promise.race([next.then(() => 'line'), exited.then(() => 'exited')]);
        if (status === 'exited' && !lines.some((line) => line.event === event))
          throw new Error(`exited before logging ${event}; stderr: ${stderr}`);
      }
    },
  };
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
});
