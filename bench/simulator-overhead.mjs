// What the simulator's own logic costs per real-SDK request, against a bare Node HTTP/2 server that
// answers every request with a constant Converse body. Client and server share one process, so the
// CPU per request covers both; the difference is the simulator's routing, parsing, capacity and
// answer generation. Rounds alternate so drift on a shared machine hits both sides alike.
import http2 from 'node:http2';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { startSimulator } from '@bedrock-ha/simulator';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const messages = [{ role: 'user', content: [{ text: 'what is the largest city in the world?' }] }];
const CONSTANT = JSON.stringify({
  output: { message: { role: 'assistant', content: [{ text: 'Tokyo' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 9, outputTokens: 1, totalTokens: 10 },
  metrics: { latencyMs: 0 },
});

async function bareServer() {
  const server = http2.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(CONSTANT);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function simulator() {
  const unlimited = { requestsPerMinute: 1e12, tokensPerMinute: 1e15 };
  return startSimulator({ quotas: { onDemand: unlimited } });
}

/** CPU ms per request and requests/s for `count` SDK calls at `concurrency`. */
async function round(url, count, concurrency) {
  const client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  const send = () => client.send(new ConverseCommand({ modelId: HAIKU, messages }));
  for (let index = 0; index < 100; index++) await send(); // warm-up
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < count) {
        issued += 1;
        await send();
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return { cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / count, requestsPerSecond: count / seconds };
}

/** Runs alternating rounds and returns the median of each side and their ratio. */
export async function simulatorOverhead({ rounds = 3, count = 1500, concurrency = 16 } = {}) {
  const samples = { bare: [], simulator: [] };
  for (let index = 0; index < rounds; index++) {
    for (const [name, start] of [
      ['bare', bareServer],
      ['simulator', simulator],
    ]) {
      const server = await start();
      samples[name].push(await round(server.url, count, concurrency));
      await server.close();
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary = (name) => ({
    cpuMsPerRequest: Number(median(samples[name].map((sample) => sample.cpuMsPerRequest)).toFixed(3)),
    requestsPerSecond: Math.round(median(samples[name].map((sample) => sample.requestsPerSecond))),
  });
  const bare = summary('bare');
  const sim = summary('simulator');
  return {
    rounds,
    count,
    concurrency,
    bare,
    simulator: sim,
    addedCpuMsPerRequest: Number((sim.cpuMsPerRequest - bare.cpuMsPerRequest).toFixed(3)),
    cpuRatio: Number((sim.cpuMsPerRequest / bare.cpuMsPerRequest).toFixed(3)),
  };
}
