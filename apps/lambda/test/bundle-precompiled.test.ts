import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { precompileConfig } from '@bedrock-ha/core';
import { type Simulator, startSimulator } from '@bedrock-ha/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, bundleHandler } from '../src/index.js';
import { runBundle } from './run-bundle.js';

// A configuration precompiled at synth (what BedrockHAFunction deploys) is trusted at init: the
// bundle's entry, and the chunks it imports statically, hold no zod, and a package with zod's
// chunks removed still starts and serves.
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const ZOD = 'ZodError';
const PROMPT = 'what is the largest city in the world? only give the answer with no details';
const fixtures = fileURLToPath(new URL('../../../packages/lambda/test/fixtures/', import.meta.url));

let sim: Simulator;
let bundle: BundleResult;

beforeAll(async () => {
  sim = await startSimulator();
  bundle = await bundleHandler({ outDir: mkdtempSync(join(tmpdir(), 'bedrock-ha-bundle-')) });
}, 120_000);

afterAll(async () => {
  await sim?.close();
});

/** The entry and every chunk it imports statically (transitively): what the runtime loads at init. */
function loadedAtInit(entry: string): Map<string, string> {
  const loaded = new Map<string, string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (loaded.has(file)) continue;
    const code = readFileSync(file, 'utf8');
    loaded.set(file, code);
    // Minified static imports: `from"./chunks/x.mjs"` or `import"./x.mjs"`; import("...") is lazy.
    for (const [, path] of code.matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.mjs)"/g))
      pending.push(join(dirname(file), path!));
  }
  return loaded;
}

function chunksWith(directory: string, text: string): string[] {
  return readdirSync(join(directory, 'chunks'))
    .filter((name) => name.endsWith('.mjs'))
    .filter((name) => readFileSync(join(directory, 'chunks', name), 'utf8').includes(text));
}

/** A copy of the bundle without the chunks that hold zod. */
function bundleWithoutZod(): string {
  const directory = mkdtempSync(join(tmpdir(), 'bedrock-ha-no-zod-'));
  cpSync(dirname(bundle.file), directory, { recursive: true });
  const removed = chunksWith(directory, ZOD);
  expect(removed.length).toBeGreaterThan(0);
  for (const name of removed) rmSync(join(directory, 'chunks', name));
  return join(directory, 'handler.mjs');
}

const config = () => ({
  client: { endpoint: sim.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
  chains: { 'claude-haiku': { endpoints: [{ id: 'haiku-west', region: 'us-west-2', modelId: HAIKU }] } },
});

function events() {
  const functionUrl = JSON.parse(readFileSync(join(fixtures, 'function-url-event.json'), 'utf8'));
  const converse = {
    ...functionUrl,
    rawPath: '/model/claude-haiku/converse',
    requestContext: {
      ...functionUrl.requestContext,
      http: { ...functionUrl.requestContext.http, path: '/model/claude-haiku/converse' },
    },
    body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: PROMPT }] }] }),
  };
  const direct = JSON.parse(readFileSync(join(fixtures, 'direct-converse-event.json'), 'utf8'));
  return { http: converse, direct, stream: converse };
}

describe('the bundled handler with a precompiled configuration', () => {
  it('loads no zod at init: neither the entry nor a chunk it imports statically holds it', () => {
    const atInit = loadedAtInit(bundle.file);

    expect(atInit.size).toBeGreaterThan(1);
    for (const [file, code] of atInit) expect(code.includes(ZOD), `${file} holds zod`).toBe(false);
    // ...while the package has it, for configurations that are not precompiled.
    expect(chunksWith(dirname(bundle.file), ZOD).length).toBeGreaterThan(0);
  });

  it("starts and serves HTTP and direct invocations with zod's chunks removed from the package", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bedrock-ha-precompiled-')), 'bedrock-ha.json');
    writeFileSync(path, precompileConfig(JSON.stringify(config()), 'json', { env: {} }));

    const { code, stderr, result } = await runBundle(
      bundleWithoutZod(),
      { BEDROCK_HA_CONFIG: path },
      events(),
    );

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(result.http.statusCode).toBe(200);
    expect(JSON.parse(result.http.body).output.message.content[0].text).toContain('Tokyo');
    expect(result.direct.servedBy.endpointId).toBe('haiku-west');
  }, 60_000);

  it('needs those chunks for a configuration that is not precompiled, which it validates', async () => {
    const withoutZod = await runBundle(
      bundleWithoutZod(),
      { BEDROCK_HA_CONFIG_JSON: JSON.stringify(config()) },
      events(),
    );
    expect(withoutZod.code).not.toBe(0);
    expect(withoutZod.stderr).toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND/);

    const invalid = await runBundle(
      bundle.file,
      {
        BEDROCK_HA_CONFIG_JSON: JSON.stringify({
          chains: { 'claude-haiku': { endpoints: [{ modelId: HAIKU }] } },
        }),
      },
      events(),
    );
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/ConfigError[\s\S]*region: is required/);
  }, 60_000);
});
