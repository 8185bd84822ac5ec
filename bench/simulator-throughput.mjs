// Simulator throughput with zero latency configured: how many requests one simulator core serves,
// so that later benchmarks know it is not their bottleneck (target: >= 5,000 non-streaming req/s).
// Throughput is measured against the simulator's own CPU time (from /proc), not wall time alone:
// on a 2-core machine the load generator competes for CPU, and CPU-seconds are what one core buys.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PATH = `/model/${encodeURIComponent(HAIKU)}/converse`;
const STREAM_PATH = `/model/${encodeURIComponent(HAIKU)}/converse-stream`;
const BODY = JSON.stringify({
  messages: [{ role: 'user', content: [{ text: 'what is the largest city in the world?' }] }],
});
const HEADERS = {
  'content-type': 'application/json',
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=0',
};
const UNLIMITED = { requestsPerMinute: 1e12, tokensPerMinute: 1e15 };

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
}

async function startServer() {
  const child = spawn(
    process.execPath,
    [
      new URL('./simulator-server.mjs', import.meta.url).pathname,
      JSON.stringify({
        quotas: { onDemand: UNLIMITED, inferenceProfile: UNLIMITED },
        requestLogSize: 1000,
      }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = await once(child.stdout, 'data');
  const { url, pid } = JSON.parse(String(line));
  return {
    url,
    pid,
    stop: () => {
      child.kill('SIGTERM');
      return once(child, 'exit');
    },
  };
}

/** Runs `worker` on `concurrency` loops for `seconds`, after a warm-up; returns completions and errors. */
async function drive(concurrency, seconds, warmupSeconds, request) {
  let counting = false;
  let done = 0;
  let errors = 0;
  let stop = false;
  const loops = Array.from({ length: concurrency }, async () => {
    while (!stop) {
      try {
        await request();
        if (counting) done += 1;
      } catch {
        if (counting) errors += 1;
      }
    }
  });
  await new Promise((resolve) => setTimeout(resolve, warmupSeconds * 1000));
  counting = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  counting = false;
  const elapsed = (performance.now() - started) / 1000;
  stop = true;
  await Promise.all(loops);
  return { done, errors, elapsed };
}

function h2Request(session, path) {
  return () =>
    new Promise((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': path, ...HEADERS });
      stream.on('response', (headers) => {
        if (headers[':status'] !== 200) reject(new Error(`status ${headers[':status']}`));
      });
      stream.on('data', () => {});
      stream.on('end', resolve);
      stream.on('error', reject);
      stream.end(BODY);
    });
}

function h1Request(url, agent) {
  const { hostname, port } = new URL(url);
  return () =>
    new Promise((resolve, reject) => {
      const request = http.request(
        { hostname, port, path: PATH, method: 'POST', agent, headers: HEADERS },
        (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200 ? resolve() : reject(new Error(`status ${response.statusCode}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(BODY);
    });
}

/** Measures one scenario: requests/s by wall clock, and per CPU-second of the simulator process. */
async function measure(server, name, concurrency, request, seconds) {
  const cpuBefore = cpuSeconds(server.pid);
  const warmup = 1;
  const { done, errors, elapsed } = await drive(concurrency, seconds, warmup, request);
  // CPU spans warm-up and drain too; scale to the counted window by wall time, a close approximation.
  const cpu = ((cpuSeconds(server.pid) - cpuBefore) * elapsed) / (elapsed + warmup);
  return {
    name,
    concurrency,
    requests: done,
    errors,
    requestsPerSecond: Math.round(done / elapsed),
    simulatorCpuSeconds: Number(cpu.toFixed(2)),
    requestsPerSimulatorCpuSecond: Math.round(done / Math.max(cpu, 0.01)),
  };
}

/** Runs every scenario and returns the results. */
export async function simulatorThroughput({ seconds = 4 } = {}) {
  const server = await startServer();
  const results = [];
  try {
    const session = http2.connect(server.url);
    results.push(
      await measure(
        server,
        'Converse, raw HTTP/2 (one session, concurrent streams)',
        64,
        h2Request(session, PATH),
        seconds,
      ),
    );
    results.push(
      await measure(server, 'ConverseStream, raw HTTP/2', 64, h2Request(session, STREAM_PATH), seconds),
    );
    session.close();

    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    results.push(
      await measure(server, 'Converse, raw HTTP/1.1 keep-alive', 64, h1Request(server.url, agent), seconds),
    );
    agent.destroy();

    const client = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    const command = () =>
      client.send(new ConverseCommand({ modelId: HAIKU, messages: JSON.parse(BODY).messages }));
    results.push(
      await measure(server, 'Converse, real AWS SDK (default HTTP/2 handler)', 32, command, seconds),
    );
    client.destroy();
  } finally {
    await server.stop();
  }
  return results;
}
