import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../src/index.js';
import { HAIKU, runtimeClient, userMessage } from './sdk.js';

// The built binary, as users run it: the suite runs after `pnpm build`.
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../package.json', import.meta.url));
const LISTENING = /^bedrock-ha-sim listening on (http:\/\/127\.0\.0\.1:(\d+)) \(scenario: (.+)\)\n$/;
const START_TIMEOUT_MS = 10_000;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
let directory: string;

function start(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    // 'close', not 'exit': by then every byte of stdout and stderr has been read.
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Fails with what the process printed if it does not settle in time, then kills it. */
async function within<T>(run: Run, promise: Promise<T>, what: string, ms = START_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`${what} took over ${ms} ms; stdout: ${run.stdout()} stderr: ${run.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the binary to completion (for flags that exit at once). */
async function runToExit(args: string[]) {
  const run = start(args);
  const { code, signal } = await within(run, run.exit, `bedrock-ha-sim ${args.join(' ')}`);
  return { code, signal, stdout: run.stdout(), stderr: run.stderr() };
}

/** Starts the binary and waits for its listening line. */
async function startServing(args: string[]) {
  const run = start(args);
  const listening = new Promise<{ url: string; port: number; scenario: string }>((resolve, reject) => {
    const onData = () => {
      const match = LISTENING.exec(run.stdout());
      if (match) resolve({ url: match[1]!, port: Number(match[2]), scenario: match[3]! });
    };
    run.child.stdout!.on('data', onData);
    run.exit.then(({ code }) => reject(new Error(`exited with ${code} before listening: ${run.stderr()}`)));
  });
  return { run, ...(await within(run, listening, 'starting bedrock-ha-sim')) };
}

async function stop(run: Run, signal: NodeJS.Signals = 'SIGTERM') {
  run.child.kill(signal);
  return within(run, run.exit, `stopping on ${signal}`);
}

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A server holding a port, to make it busy. */
async function occupyPort(): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

async function converse(url: string, modelId: string, question: string) {
  const client = runtimeClient({ url }, 'us-east-1');
  try {
    const output = await client.send(new ConverseCommand({ modelId, messages: userMessage(question) }));
    return output.output?.message?.content?.[0]?.text;
  } finally {
    client.destroy();
  }
}

async function generatedInProcess(seed: number, question: string) {
  const sim = await startSimulator({ seed });
  try {
    return await converse(sim.url, HAIKU, question);
  } finally {
    await sim.close();
  }
}

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm build\` before the tests`);
  directory = await mkdtemp(join(tmpdir(), 'bedrock-ha-sim-bin-'));
});

afterEach(() => {
  // A failed test must not leave a server behind.
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('bedrock-ha-sim', () => {
  it('prints one listening line, serves the SDK, and exits 0 on SIGTERM with the port closed', async () => {
    const { run, url, port, scenario } = await startServing(['--port', '0']);
    expect(scenario).toBe('none');
    expect(port).toBeGreaterThan(0);

    expect(await converse(url, HAIKU, 'What is the capital of France?')).toBe('Paris');

    expect(await stop(run)).toEqual({ code: 0, signal: null });
    expect(await accepts(port)).toBe(false);
    // Scripts parse stdout: the listening line is all there is.
    expect(run.stdout()).toMatch(LISTENING);
    expect(run.stderr()).toBe('');
  });

  it('exits 0 on SIGINT', async () => {
    const { run, port } = await startServing(['--port', '0']);
    expect(await stop(run, 'SIGINT')).toEqual({ code: 0, signal: null });
    expect(await accepts(port)).toBe(false);
  });

  it('serves a --scenario file, with --port, --host and --seed overriding the file', async () => {
    const busy = await occupyPort();
    try {
      const path = join(directory, 'scenario.yaml');
      await writeFile(
        path,
        [
          `port: ${portOf(busy)}`,
          'host: localhost',
          'seed: 5',
          'answers:',
          '  - { match: status report, reply: All systems nominal. }',
          'provisionedThroughputs:',
          `  - { name: bin-pt, region: us-east-1, modelId: "${HAIKU}:48k", id: binpt0000001 }`,
          '',
        ].join('\n'),
      );
      const { run, url, scenario } = await startServing([
        '--scenario',
        path,
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--seed',
        '9',
      ]);
      expect(scenario).toBe(path);

      const arn = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/binpt0000001';
      expect(await converse(url, arn, 'Give me a status report')).toBe('All systems nominal.');
      // Generated text depends only on the seed and the prompt: compare with in-process simulators.
      const generated = await converse(url, HAIKU, 'Tell me something');
      expect(generated).toBe(await generatedInProcess(9, 'Tell me something'));
      expect(generated).not.toBe(await generatedInProcess(5, 'Tell me something'));
      expect(await stop(run)).toEqual({ code: 0, signal: null });
    } finally {
      busy.close();
    }
  });

  it('exits 2 on an invalid scenario, naming the file and the path, without a stack trace', async () => {
    const path = join(directory, 'invalid.yaml');
    await writeFile(path, 'faults:\n  - fault: { type: error, error: TeapotException }\n');

    const { code, stdout, stderr } = await runToExit(['--scenario', path, '--port', '0']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(path);
    expect(stderr).toContain('faults.0.fault.error');
    expect(stderr).toContain('ThrottlingException');
    expect(stderr).not.toContain('    at ');
  });

  it('exits 2 on a scenario whose PT names a model without Provisioned Throughput', async () => {
    const path = join(directory, 'bad-model.yaml');
    await writeFile(
      path,
      'provisionedThroughputs:\n  - { name: pt, region: us-east-1, modelId: acme.unknown-v1:0 }\n',
    );
    const { code, stderr } = await runToExit(['--scenario', path, '--port', '0']);
    expect(code).toBe(2);
    expect(stderr).toContain(`scenario file ${path}`);
    expect(stderr).toMatch(/provisionedThroughputs\.0: .*acme\.unknown-v1:0/);
    expect(stderr).not.toContain('    at ');
  });

  it('exits 2 on a missing scenario file', async () => {
    const path = join(directory, 'missing.yaml');
    const { code, stderr } = await runToExit(['--scenario', path]);
    expect(code).toBe(2);
    expect(stderr).toContain(`cannot read scenario file ${path}`);
  });

  it.each([
    { args: ['--bogus'], message: 'unknown option --bogus' },
    { args: ['--port', 'abc'], message: '--port must be an integer from 0 to 65535, got "abc"' },
    { args: ['--port', '70000'], message: '--port must be an integer from 0 to 65535' },
    { args: ['--port'], message: '--port needs a value' },
    { args: ['--seed', '1.5'], message: '--seed must be an integer' },
    { args: ['serve'], message: 'unexpected argument serve' },
  ])('exits 2 on bad flags: $args', async ({ args, message }) => {
    const { code, stdout, stderr } = await runToExit(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('--help');
    expect(stderr).not.toContain('    at ');
  });

  it('prints usage on --help and the package version on --version, exiting 0', async () => {
    const help = await runToExit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: bedrock-ha-sim/);
    for (const flag of ['--port', '--host', '--scenario', '--seed', '--version']) {
      expect(help.stdout).toContain(flag);
    }

    const version = await runToExit(['--version']);
    const { version: expected } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${expected}\n`, stderr: '' });
  });

  it('exits 1 with a clear message when the port is in use', async () => {
    const busy = await occupyPort();
    try {
      const port = portOf(busy);
      const { code, stdout, stderr } = await runToExit(['--port', String(port)]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(`127.0.0.1:${port}`);
      expect(stderr).toContain('already in use');
      expect(stderr).not.toContain('    at ');
    } finally {
      busy.close();
    }
  });
});
