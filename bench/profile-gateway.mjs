// Profiles the gateway under load (issue 20): starts the simulator and our server with
// `--cpu-prof`, drives one route at concurrency 64 for a few seconds, stops the server and prints
// where its busy time went, by bucket (AWS SDK and its parts, our code, GC, Node internals).
// Usage: node bench/profile-gateway.mjs [openai|native|proxy][-stream] [seconds] [profile-dir]
// (`-stream`: limits-streaming.mjs's streams instead of one-shot answers), or
// `--summary file.cpuprofile` to summarise a profile taken otherwise.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { converseBody, drive, HAIKU, openAIBody, stopAll } from './gateway-processes.mjs';
import { BEHAVIOUR, converseStreamBody, openAIStreamBody } from './limits-streaming.mjs';
import { startSimulatorProcess, UNLIMITED } from './simulator-process.mjs';

const [route = 'openai', seconds = '6', dir = mkdtempSync(join(tmpdir(), 'bedrock-ha-prof-'))] =
  process.argv.slice(2);
const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Which bucket a frame's script belongs to. */
function bucket(url, name) {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)' || name === '(root)') return name;
  if (/signature-v4|hash-node|internal\/crypto/.test(url)) return 'SDK signing (SigV4, hashes)';
  if (/internal\/modules|cjs-module-lexer/.test(url) || name === 'compileSourceTextModule')
    return 'startup (module loading)';
  if (/abort_controller|event_target/.test(url)) return 'AbortController/EventTarget';
  if (/@smithy\+core|@smithy\/core/.test(url)) return 'SDK @smithy/core';
  if (/node-http-handler/.test(url)) return 'SDK http handler';
  if (/@aws-sdk|@smithy|@aws-crypto/.test(url)) return 'SDK other';
  if (/cockatiel/.test(url)) return 'cockatiel';
  if (/packages\/(core|http|node|express)|apps\/server/.test(url)) return 'ours';
  if (/node_modules/.test(url)) return 'other deps';
  if (url.startsWith('node:') || url === '') return `node ${url.split('/')[0] || '(native)'}`;
  return 'other';
}

/** Self time per bucket, and the top self-time functions. */
function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (const [index, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (dt[index] ?? 0));
  const buckets = {};
  const functions = {};
  let busy = 0;
  for (const [id, micros] of self) {
    const { url, functionName, lineNumber } = byId.get(id).callFrame;
    const name = functionName || '(anonymous)';
    const where = bucket(url, name);
    if (where === '(idle)') continue;
    busy += micros;
    buckets[where] = (buckets[where] ?? 0) + micros;
    const key = `${name} ${url.replace(/.*node_modules\//, '').replace(/.*\/work\/wt\/[^/]+\//, '')}:${lineNumber}`;
    functions[key] = (functions[key] ?? 0) + micros;
  }
  const pct = (micros) => `${((100 * micros) / busy).toFixed(1)}%`;
  console.log(`busy ${(busy / 1000).toFixed(0)} ms`);
  for (const [name, micros] of Object.entries(buckets).sort((a, b) => b[1] - a[1]))
    console.log(`  ${name.padEnd(20)} ${pct(micros)}`);
  console.log('top functions (self):');
  for (const [name, micros] of Object.entries(functions)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 40))
    console.log(`  ${pct(micros).padStart(6)} ${name}`);
}

if (route === '--summary') {
  // Summarises an existing profile: node bench/profile-gateway.mjs --summary file.cpuprofile
  summarise(JSON.parse(readFileSync(process.argv[3], 'utf8')));
  process.exit(0);
}
const streams = route.endsWith('-stream');
const sim = await startSimulatorProcess({
  quotas: { onDemand: UNLIMITED },
  ...(streams && { models: { '*': BEHAVIOUR } }),
});
const script = route.startsWith('proxy') ? './minimal-proxy.mjs' : './gateway-server.mjs';
const args = route.startsWith('proxy') ? [sim.url] : [sim.url, 'like-for-like'];
const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, here(script), ...args], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let url;
for await (const line of createInterface({ input: child.stdout })) {
  url = JSON.parse(line).url;
  if (url) break;
}
child.stdout.resume();
const model = route.startsWith('proxy') ? HAIKU : 'haiku';
const target = route.startsWith('openai')
  ? { url: `${url}/v1/chat/completions`, body: streams ? openAIStreamBody() : openAIBody('haiku') }
  : streams
    ? { url: `${url}/model/${model}/converse-stream`, body: converseStreamBody() }
    : { url: `${url}/model/${model}/converse`, body: converseBody() };
const run = await drive({ ...target, pid: child.pid }, { concurrency: 64, seconds: Number(seconds) });
console.log(
  `${route}: ${run.requestsPerSecond} req/s, CPU ${((run.cpuSeconds * 1000) / run.requests).toFixed(3)} ms/request, p50 ${run.p50Ms} ms`,
);
await stopAll([child]);
await sim.stop();
const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
summarise(JSON.parse(readFileSync(join(dir, file), 'utf8')));
console.log(`profile: ${join(dir, file)}`);
await once(process, 'beforeExit');
