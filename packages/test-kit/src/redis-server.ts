import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A real `redis-server` on a loopback port, without persistence. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Sends one command with `redis-cli` (`DEBUG SLEEP 0.2`, `FLUSHALL`): its output. */
  cli(...args: string[]): Promise<string>;
  /** Kills the process (SIGKILL): connections drop at once, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Stops it; safe to call twice. */
  stop(): Promise<void>;
}

const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** A free loopback port, as the kernel hands one out. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Starts `redis-server --port N --save '' --appendonly no` (Redis 7 or later) on 127.0.0.1 and waits until it answers
 * PING. `.ci/run` installs redis-server from apt when it is missing.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  const cli = async (...args: string[]) => {
    const { code, output } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
    if (code !== 0 || output.startsWith('ERR'))
      throw new Error(`redis-cli ${args.join(' ')} failed (${code}): ${output}`);
    return output.trim();
  };
  const start = async () => {
    const started = spawn(
      REDIS_SERVER,
      // DEBUG (SLEEP) is off by default since Redis 7; the tests use it to stall the server.
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--enable-debug-command',
        'local',
      ],
      { stdio: 'ignore' },
    );
    started.on('error', () => {});
    child = started;
    for (let tries = 0; tries < 100; tries++) {
      if (started.exitCode !== null)
        throw new Error(`redis-server exited ${started.exitCode} on port ${port}`);
      if ((await cli('PING').catch(() => '')) === 'PONG') return;
      await sleep(20);
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGKILL');
    await once(running, 'exit');
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    cli,
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    stop: kill,
  };
}
