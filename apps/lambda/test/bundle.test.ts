import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Simulator, startSimulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, bundleHandler } from '../src/index.js';
import { runBundle } from './run-bundle.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PT_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/bundletest01';
const PROMPT = 'what is the largest city in the world? only give the answer with no details';
const fixtures = fileURLToPath(new URL('../../../packages/lambda/test/fixtures/', import.meta.url));

let sim: Simulator;
let bundle: BundleResult;

beforeAll(async () => {
  sim = await startSimulator({
    provisionedThroughputs: [
      { name: 'pt', region: 'us-east-1', modelId: `${HAIKU}:48k`, id: 'bundletest01' },
    ],
  });
  bundle = await bundleHandler({ outDir: mkdtempSync(join(tmpdir(), 'bedrock-ha-bundle-')) });
}, 120_000);

afterAll(async () => {
  await sim?.close();
});

describe('the bundled handler in a fresh Node process', () => {
  it('initialises from BEDROCK_HA_CONFIG_JSON and serves HTTP, direct and streaming invocations through failover', async () => {
    sim.faults.add({ match: { model: PT_ARN }, fault: { type: 'error', error: 'ThrottlingException' } });
    const config = {
      client: { endpoint: sim.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
      chains: {
        'claude-haiku': {
          endpoints: [
            { id: 'pt-east', modelId: PT_ARN },
            { id: 'haiku-west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    };
    const functionUrl = JSON.parse(readFileSync(join(fixtures, 'function-url-event.json'), 'utf8'));
    const events = {
      http: functionUrl,
      direct: JSON.parse(readFileSync(join(fixtures, 'direct-converse-event.json'), 'utf8')),
      stream: {
        ...functionUrl,
        body: JSON.stringify({
          model: 'claude-haiku',
          stream: true,
          messages: [{ role: 'user', content: PROMPT }],
        }),
      },
    };

    const { code, stdout, stderr } = await runBundle(
      bundle.file,
      { BEDROCK_HA_CONFIG_JSON: JSON.stringify(config) },
      events,
    );

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
    const result = JSON.parse(line!.slice('RESULT '.length));
    expect(result.http.statusCode).toBe(200);
    expect(result.http.headers['x-bedrock-ha-endpoint']).toBe('haiku-west');
    expect(JSON.parse(result.http.body).choices[0].message.content).toContain('Tokyo');
    expect(result.direct.servedBy.endpointId).toBe('haiku-west');
    expect(JSON.parse(result.streamWrites[0]).statusCode).toBe(200);
    expect(result.streamWrites.at(-1)).toBe('data: [DONE]\n\n');
    // The access log: one JSON line per request on stdout, no prompt text.
    const logs = stdout
      .split('\n')
      .filter((text) => text.startsWith('{'))
      .map((text) => JSON.parse(text));
    expect(logs.map((entry) => [entry.route, entry.status, entry.endpoint])).toEqual([
      ['POST /v1/chat/completions', 200, 'haiku-west'],
      ['invoke converse', 200, 'haiku-west'],
      ['POST /v1/chat/completions', 200, 'haiku-west'],
    ]);
    expect(logs[0].cold_start).toBe(true);
    expect(logs[1].cold_start).toBe(false);
    expect(stdout).not.toContain('largest city');

    // A size budget, deterministic unlike time: the V8 compile of the bundle is most of its cold
    // init, and regressions come in hundreds of KiB (all of zod's locales through a named
    // `import { z }`, the CommonJS builds of the SDK without the `module` condition).
    // The Redis state store's client is a chunk of its own, loaded only when `state.store` is
    // redis: outside the budget of a cold start (the node-redis client names its package in its code).
    const chunks = join(dirname(bundle.file), 'chunks');
    const redisBytes = readdirSync(chunks)
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => readFileSync(join(chunks, name), 'utf8'))
      .filter((code) => code.includes('@redis/client'))
      .reduce((total, code) => total + Buffer.byteLength(code), 0);
    expect(redisBytes).toBeGreaterThan(0);
    expect(readFileSync(bundle.file, 'utf8')).not.toContain('@redis/client');
    // 800 KiB: 768 until the lean transport, byte forwarding and the engine's rework (issue 20)
    // took it about 8 KiB past; the regressions this guards against are tens of times that.
    expect(bundle.bytes - redisBytes).toBeLessThan(800 * 1024);
    // Code splitting keeps what the SDK loads lazily (SSO, INI, STS credential providers) out of the entry.
    expect(bundle.entryBytes).toBeLessThan(bundle.bytes * 0.8);
    // Time is measured, not asserted: the machine is shared and noisy.
    console.log(
      `bundle ${(bundle.bytes / 1024).toFixed(1)} KiB (${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped, ` +
        `entry ${(bundle.entryBytes / 1024).toFixed(1)} KiB); ` +
        `cold init (import + engine) ${result.initMs.toFixed(0)} ms; first invocation ${result.firstInvokeMs.toFixed(0)} ms`,
    );
  }, 60_000);

  it('loads the yaml package only for a YAML configuration: not in the entry, and served from a bundled .yaml', async () => {
    // The entry holds no YAML parser: a JSON configuration never loads or compiles it.
    const entry = readFileSync(bundle.file, 'utf8');
    expect(entry).not.toContain('Implicit keys need to be on a single line');
    const path = join(mkdtempSync(join(tmpdir(), 'bedrock-ha-yaml-')), 'bedrock-ha.yaml');
    writeFileSync(
      path,
      `client:\n  endpoint: \${SIM_URL}\n  credentials: { accessKeyId: AKIDTEST, secretAccessKey: secret }\nchains:\n  claude-haiku:\n    endpoints:\n      - { id: haiku-west, region: us-west-2, modelId: ${HAIKU} }\n`,
    );
    const direct = JSON.parse(readFileSync(join(fixtures, 'direct-converse-event.json'), 'utf8'));
    const functionUrl = JSON.parse(readFileSync(join(fixtures, 'function-url-event.json'), 'utf8'));

    const { code, stdout, stderr } = await runBundle(
      bundle.file,
      { BEDROCK_HA_CONFIG: path, SIM_URL: sim.url },
      { http: functionUrl, direct, stream: functionUrl },
    );

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
    expect(JSON.parse(line!.slice('RESULT '.length)).direct.servedBy.endpointId).toBe('haiku-west');
  }, 60_000);

  it('fails its init with the configuration problem when no configuration is set', async () => {
    const { code, stderr } = await runBundle(bundle.file, {}, { http: {}, direct: {}, stream: {} });

    expect(code).not.toBe(0);
    expect(stderr).toContain('ConfigError');
    expect(stderr).toMatch(/set BEDROCK_HA_CONFIG to a config file path/);
  }, 60_000);
});
