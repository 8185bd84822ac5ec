// Resources a gateway process holds for clients that misbehave before they authenticate (issue 13
// item 4): RSS with 300 unauthenticated uploads stalled near the body limit, and open descriptors
// with 1,000 connections that never send a byte, 1,000 partial HTTP/2 prefaces and 1,000 idle
// HTTP/2 sessions, over time, at the default timeouts. Not part of `pnpm bench` (it takes about 2 minutes).
// Usage: node bench/connection-resources.mjs [module exporting startServer]
//   (default: packages/node/dist/index.js; built: `pnpm turbo run build --filter=@bedrock-ha/node...`)
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CHILD = process.argv[2] === '--child';
if (CHILD) {
  const { startServer } = await import(process.argv[3]);
  const server = await startServer({
    config: {
      client: { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
      chains: { chat: { endpoints: [{ id: 'one', region: 'us-east-1', modelId: 'm' }] } },
    },
    port: 0,
    host: '127.0.0.1',
    apiKeys: ['the-key'],
    logLevel: 'silent',
    telemetry: false,
    // Above the 3,000 connections this script opens, so the timeouts are what is measured.
    maxConnections: 10_000,
  });
  process.send({ url: server.url });
} else {
  const module = process.argv[2]
    ? pathToFileURL(process.argv[2]).href
    : new URL('../packages/node/dist/index.js', import.meta.url).href;
  const child = fork(fileURLToPath(import.meta.url), ['--child', module], { stdio: 'inherit' });
  const [{ url }] = await new Promise((resolve) => child.once('message', (message) => resolve([message])));
  const { port } = new URL(url);
  const rssMb = () =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
  const fds = () => readdirSync(`/proc/${child.pid}/fd`).length;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const connect = () =>
    new Promise((resolve) => {
      const socket = net.connect({ port: Number(port), host: '127.0.0.1', allowHalfOpen: true }, () =>
        resolve(socket),
      );
      socket.on('error', () => {});
    });

  const rssBefore = rssMb();
  const uploads = [];
  const body = Buffer.alloc(1024 * 1024 - 1024, 120);
  for (let index = 0; index < 300; index++) {
    const socket = await connect();
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${1024 * 1024}\r\n\r\n`,
    );
    socket.write(body);
    uploads.push(socket);
  }
  await sleep(3_000);
  const rssStalled = rssMb();
  for (const socket of uploads) socket.destroy();
  console.log(
    `RSS: ${rssBefore.toFixed(0)} MB before, ${rssStalled.toFixed(0)} MB with 300 stalled unauthenticated uploads of 1 MiB less 1 KiB (+${(rssStalled - rssBefore).toFixed(0)} MB)`,
  );

  await sleep(2_000);
  const fdsBefore = fds();
  const held = [];
  for (let index = 0; index < 1_000; index++) held.push(await connect());
  for (let index = 0; index < 1_000; index++) {
    const socket = await connect();
    socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    held.push(socket);
  }
  for (let index = 0; index < 1_000; index++) {
    const session = http2.connect(url);
    session.on('error', () => {});
    await new Promise((resolve) => session.once('connect', resolve));
    const stream = session.request({ ':path': '/healthz' });
    stream.on('error', () => {});
    stream.resume();
    stream.end();
    held.push(session);
  }
  const started = Date.now();
  for (const at of [2, 25, 70, 100]) {
    await sleep(at * 1_000 - (Date.now() - started));
    console.log(
      `open descriptors at +${at} s: ${fds()} (${fdsBefore} before 1,000 silent connections, 1,000 partial HTTP/2 prefaces, 1,000 idle HTTP/2 sessions)`,
    );
  }
  for (const socket of held) socket.destroy();
  child.kill('SIGKILL');
  process.exit(0);
}
