// The processes the loaded benchmarks drive, each in its own process so its CPU time is its own:
// our gateway (apps/server, gateway-server.mjs), the Portkey AI gateway (its Node build) and the
// minimal pass-through proxy (minimal-proxy.mjs), all in front of one simulator; and `drive`, which
// runs the load generator against one of them and samples that process's CPU over the measured
// window alone.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PROMPT = 'what is the largest city in the world?';
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const PORTKEY = here('../node_modules/@portkey-ai/gateway/build/start-server.js');

/** An OpenAI chat-completions body for `model`. */
export const openAIBody = (model) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: PROMPT }], max_tokens: 100 });
/** A Bedrock Converse body. */
export const converseBody = () =>
  JSON.stringify({
    messages: [{ role: 'user', content: [{ text: PROMPT }] }],
    inferenceConfig: { maxTokens: 100 },
  });

/** CPU seconds a process has used (utime + stime from /proc, in ticks of 1/100 s). */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

async function waitUntilUp(url) {
  for (let tries = 0; tries < 100; tries++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not come up in 10 s`);
}

/** Spawns `script` with `args` and reads `{ url }` from the first stdout line that has one. */
async function spawnWithUrl(script, args, env) {
  const child = spawn(process.execPath, [here(script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(env ? { env } : {}),
  });
  // Log lines (our server's warning that no API keys are set) share stdout: take the line with the URL.
  let url;
  for await (const line of createInterface({ input: child.stdout })) {
    url = JSON.parse(line).url;
    if (url) break;
  }
  child.stdout.resume();
  return { child, url };
}

/**
 * Our server (`policy`: `like-for-like` or `default`, see gateway-server.mjs); `baseUrl` takes a
 * path. `env` adds environment variables (BEDROCK_HA_MAX_IN_FLIGHT).
 */
export async function startOurs(simulatorUrl, policy, env) {
  const { child, url } = await spawnWithUrl(
    './gateway-server.mjs',
    [simulatorUrl, policy],
    env && { ...process.env, ...env },
  );
  return { child, baseUrl: url };
}

/** The minimal pass-through proxy (minimal-proxy.mjs) in front of `simulatorUrl`. */
export async function startMinimalProxy(simulatorUrl) {
  const { child, url } = await spawnWithUrl('./minimal-proxy.mjs', [simulatorUrl]);
  return { child, baseUrl: url };
}

/** Portkey's gateway, with its fallback from us-east-1 to us-west-2 in `headers`. */
export async function startPortkey(simulatorUrl) {
  const port = await freePort();
  // --headless: no console UI. NODE_ENV=production: its deployment mode (no log-viewer routes).
  const child = spawn(process.execPath, [PORTKEY, `--port=${port}`, '--headless'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  await waitUntilUp(`http://127.0.0.1:${port}/`);
  const target = (region) => ({
    provider: 'bedrock',
    aws_access_key_id: 'AKIDTEST',
    aws_secret_access_key: 'secret',
    aws_region: region,
    custom_host: simulatorUrl,
  });
  const config = { strategy: { mode: 'fallback' }, targets: [target('us-east-1'), target('us-west-2')] };
  const version = JSON.parse(
    readFileSync(here('../node_modules/@portkey-ai/gateway/package.json'), 'utf8'),
  ).version;
  return {
    child,
    name: `@portkey-ai/gateway ${version}`,
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { 'x-portkey-config': JSON.stringify(config) },
    body: openAIBody(HAIKU),
  };
}

/** Stops processes started here (SIGTERM, then waits for each to exit). */
export async function stopAll(children) {
  for (const child of children) {
    if (child.exitCode !== null) continue;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

/** Spawns a bench script with one JSON argument; resolves with its JSON lines, `onMark` called on marks. */
async function runScript(script, options, onMark = () => {}) {
  const child = spawn(process.execPath, [here(script), JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let result;
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line);
    if (message.mark) onMark(message.mark);
    else result = message;
  }
  const [code] = await exited;
  if (code !== 0 || result === undefined)
    throw new Error(
      `${script} for ${options.url} exited with ${code}${result ? '' : ' and printed no result'}`,
    );
  return result;
}

/**
 * One load-generator run: `target` has `url`, `headers`, `body`, `pid` (the process whose CPU
 * is sampled when the load generator marks its measured window's start and end, so process start,
 * warm-up and drain are left out) and, for a stream, `firstToken` (see load-generator.mjs). With
 * `probe`, the connection prober (connection-prober.mjs, its own process) opens a fresh connection
 * every 100 ms of the window.
 */
export async function drive(
  { url, headers = {}, body, pid, firstToken },
  { concurrency, seconds, probe = false },
) {
  const options = { url, headers, body, concurrency, seconds, warmupSeconds: 1, firstToken };
  const cpuAt = {};
  const probes = [];
  const result = await runScript('./load-generator.mjs', options, (mark) => {
    cpuAt[mark] = cpuSeconds(pid);
    // Started with the window, it probes while the load runs; its own start-up (~0.1 s) is cut from the window.
    if (mark === 'start' && probe)
      probes.push(runScript('./connection-prober.mjs', { url, headers, body, seconds: seconds - 0.2 }));
  });
  if (cpuAt.start === undefined || cpuAt.end === undefined)
    throw new Error(`the load generator for ${url} printed no window marks`);
  const probed = probe ? await probes[0] : {};
  return { ...result, ...probed, cpuSeconds: cpuAt.end - cpuAt.start };
}
