// Benchmark 4: our gateway (apps/server's startServer) against the Portkey AI gateway
// (`@portkey-ai/gateway`, its Node build) in front of the same simulator, with the same fallback
// (Claude 3 Haiku on-demand in us-east-1, then us-west-2), both through their OpenAI-compatible
// `POST /v1/chat/completions`. Portkey's Bedrock provider signs with SigV4 and honours
// `custom_host`, so both reach the simulator the same way. Our server runs twice: like-for-like
// (breaker off, one attempt per endpoint, as Portkey's fallback has neither a breaker nor retries),
// which is judged against the target, and with our defaults (breaker on), shown beside it. Each
// gateway, the simulator and the load generator run in their own processes; each round runs every
// gateway once, in a rotating order, and the ratios are medians of the per-round paired ratios.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { median } from './percentiles.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const CONCURRENCY = 64;
const messages = [{ role: 'user', content: 'what is the largest city in the world?' }];
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const PORTKEY = here('../node_modules/@portkey-ai/gateway/build/start-server.js');

/** CPU seconds a process has used (utime + stime from /proc, in ticks of 1/100 s). */
function cpuSeconds(pid) {
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

async function startOurs(simulatorUrl, { key, name, policy }) {
  const child = spawn(process.execPath, [here('./gateway-server.mjs'), simulatorUrl, policy], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Its log lines (a warning that no API keys are set) share stdout: take the line with the URL.
  let url;
  for await (const line of createInterface({ input: child.stdout })) {
    url = JSON.parse(line).url;
    if (url) break;
  }
  child.stdout.resume();
  return {
    key,
    name,
    child,
    url: `${url}/v1/chat/completions`,
    headers: {},
    body: JSON.stringify({ model: 'haiku', messages, max_tokens: 100 }),
  };
}

async function startPortkey(simulatorUrl) {
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
  return {
    key: 'portkey',
    name: `@portkey-ai/gateway ${JSON.parse(readFileSync(here('../node_modules/@portkey-ai/gateway/package.json'), 'utf8')).version}`,
    child,
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { 'x-portkey-config': JSON.stringify(config) },
    body: JSON.stringify({ model: HAIKU, messages, max_tokens: 100 }),
  };
}

/**
 * One load-generator run against `gateway`. Its CPU is sampled from /proc when the load generator
 * marks the measured window's start and end, so process start, warm-up and drain are left out.
 */
async function drive(gateway, seconds) {
  const options = { ...gateway, child: undefined, concurrency: CONCURRENCY, seconds, warmupSeconds: 1 };
  const loader = spawn(process.execPath, [here('./load-generator.mjs'), JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(loader, 'exit');
  const cpuAt = {};
  let result;
  for await (const line of createInterface({ input: loader.stdout })) {
    const message = JSON.parse(line);
    if (message.mark) cpuAt[message.mark] = cpuSeconds(gateway.child.pid);
    else result = message;
  }
  const [code] = await exited;
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  if (result === undefined || cpuAt.start === undefined || cpuAt.end === undefined)
    throw new Error(`the load generator for ${gateway.name} printed no result or no window marks`);
  return { ...result, gatewayCpuSeconds: cpuAt.end - cpuAt.start };
}

/** The median, lowest and highest of per-round ratios, rounded to two decimals. */
function ratioSummary(what, ratios) {
  if (!ratios.every(Number.isFinite))
    throw new RangeError(
      `${what}: per-round ratios ${ratios.join(', ')} are not all finite (a round with no answers?)`,
    );
  const round2 = (value) => Number(value.toFixed(2));
  return {
    median: round2(median(ratios)),
    min: round2(Math.min(...ratios)),
    max: round2(Math.max(...ratios)),
  };
}

/** Our two configurations: like-for-like (judged against the target) and our defaults. */
const OURS = [
  {
    key: 'likeForLike',
    name: '@bedrock-ha/server, like-for-like (breaker off, 1 attempt)',
    policy: 'like-for-like',
  },
  { key: 'default', name: '@bedrock-ha/server, with breaker (our default)', policy: 'default' },
];

/** Runs both scenarios in rotating rounds; returns one row per gateway and scenario. */
export async function gatewayThroughput({ seconds = 4, rounds = 3 } = {}) {
  const sim = await startSimulatorProcess();
  const gateways = [];
  const scenarios = [
    { key: 'healthy', name: 'primary healthy' },
    {
      key: 'failover',
      name: 'primary throttled: every request falls back',
      fault: { match: { region: 'us-east-1' }, fault: { type: 'error', error: 'ThrottlingException' } },
    },
  ];
  const rows = [];
  try {
    for (const ours of OURS) gateways.push(await startOurs(sim.url, ours));
    gateways.push(await startPortkey(sim.url));
    const portkeyIndex = gateways.length - 1;
    for (const scenario of scenarios) {
      const faultId = scenario.fault && (await sim.addFault(scenario.fault));
      const samples = gateways.map(() => []);
      for (let round = 0; round < rounds; round++)
        for (let offset = 0; offset < gateways.length; offset++) {
          const index = (round + offset) % gateways.length;
          samples[index].push(await drive(gateways[index], seconds));
        }
      if (faultId) await sim.removeFault(faultId);
      const peer = samples[portkeyIndex];
      gateways.forEach((gateway, index) => {
        const runs = samples[index];
        const cpuMsPerRequest = runs.map((run) => (run.gatewayCpuSeconds * 1000) / run.requests);
        const row = {
          scenario: scenario.name,
          gateway: gateway.name,
          key: gateway.key,
          requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
          p50Ms: median(runs.map((run) => run.p50Ms)),
          p99Ms: median(runs.map((run) => run.p99Ms)),
          gatewayCpuMsPerRequest: Number(median(cpuMsPerRequest).toFixed(3)),
          errors: runs.reduce((sum, run) => sum + run.errors, 0),
          statuses: runs.map((run) => run.statuses),
        };
        if (index !== portkeyIndex) {
          // Paired by round: the two ran back to back, so a round's load hits both alike.
          const throughput = ratioSummary(
            `${gateway.name} / Portkey req/s, ${scenario.name}`,
            runs.map((run, round) => run.requestsPerSecond / peer[round].requestsPerSecond),
          );
          const cpu = ratioSummary(
            `Portkey / ${gateway.name} CPU per request, ${scenario.name}`,
            runs.map(
              (run, round) =>
                peer[round].gatewayCpuSeconds / peer[round].requests / (run.gatewayCpuSeconds / run.requests),
            ),
          );
          row.throughputRatio = throughput.median;
          row.throughputRatioRange = [throughput.min, throughput.max];
          row.cpuAdvantage = cpu.median;
          row.cpuAdvantageRange = [cpu.min, cpu.max];
          // Only the like-for-like configuration is judged against the >= 1.5x target.
          row.judged = gateway.key === 'likeForLike';
        }
        rows.push(row);
      });
    }
    return { concurrency: CONCURRENCY, seconds, rounds, results: rows };
  } finally {
    for (const gateway of gateways) {
      gateway.child.kill('SIGTERM');
      await once(gateway.child, 'exit');
    }
    await sim.stop();
  }
}
