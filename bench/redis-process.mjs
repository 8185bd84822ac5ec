// Starts a real redis-server on a free loopback port for the fleet benchmark, without persistence
// (as packages/test-kit's startRedisServer does for the tests), and reads its command counters.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One command through `redis-cli`: its output. */
async function redisCli(port, args) {
  const child = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`redis-cli ${args.join(' ')} exited ${code}`);
  return output.trim();
}

/** Parses `INFO commandstats` into `{ command: calls }`. */
function commandCalls(info) {
  const calls = {};
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match) calls[match[1]] = Number(match[2]);
  }
  return calls;
}

/** Commands of the benchmark's own bookkeeping or of opening connections, not the engine's. */
const NOT_COUNTED = new Set(['info', 'ping', 'hello', 'client', 'select', 'config', 'flushall']);

/**
 * A redis-server (Redis 7 or later) on 127.0.0.1: its URL, `commands()` (calls per command since
 * start, bookkeeping left out) and `stop()`.
 */
export async function startRedisProcess() {
  const port = await freePort();
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  child.on('error', () => {});
  const cli = (...args) => redisCli(port, args);
  for (let tries = 0; (await cli('PING').catch(() => '')) !== 'PONG'; tries++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode} on port ${port}`);
    if (tries >= 100) throw new Error(`redis-server did not answer on port ${port}`);
    await sleep(20);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    commands: async () => {
      const calls = commandCalls(await cli('INFO', 'commandstats'));
      for (const name of NOT_COUNTED) delete calls[name];
      return calls;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    },
  };
}

/** Calls per command between two `commands()` readings, and their sum. */
export function commandsBetween(before, after) {
  const delta = {};
  let total = 0;
  for (const [name, calls] of Object.entries(after)) {
    const added = calls - (before[name] ?? 0);
    if (added > 0) {
      delta[name] = added;
      total += added;
    }
  }
  return { total, byCommand: delta };
}

const STORE_METHODS = [
  'readBreaker',
  'writeBreaker',
  'acquireProbe',
  'releaseProbe',
  'countFailure',
  'resetFailures',
  'takeTokens',
  'refillTokens',
  'reserve',
  'settle',
  'readWindow',
];

/**
 * `store` with every call counted by method: each call of a RedisStateStore is one command sent
 * (one round trip; a second, EVAL, only when Redis answers NOSCRIPT). INFO commandstats cannot
 * tell these apart, as it also counts the commands a Lua script runs inside Redis.
 */
export function countingStore(store) {
  const calls = Object.fromEntries(STORE_METHODS.map((method) => [method, 0]));
  const counted = {};
  for (const method of STORE_METHODS)
    counted[method] = (...args) => {
      calls[method]++;
      return store[method](...args);
    };
  return { store: counted, calls, total: () => Object.values(calls).reduce((sum, count) => sum + count, 0) };
}
