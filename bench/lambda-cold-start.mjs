// Benchmark 5: the Lambda bundle (apps/lambda's `bundle` script, esbuild, minified) — its size, and
// its cold init in fresh Node processes: the time to import the bundle (which builds the engine,
// as Lambda's Init phase does), and the first invocation against the simulator. Each cold run is
// paired with a bare `node` start, so Node's own boot is shown apart. The configuration is a
// precompiled file, as BedrockHAFunction deploys it; the same bundle with the configuration inline
// and not precompiled (validated at init, zod loaded) is measured beside it.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { median } from './percentiles.mjs';
import { startSimulatorProcess } from './simulator-process.mjs';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const round1 = (value) => Number(value.toFixed(1));

function bundle(outDir, entry) {
  const args = ['--silent', '-F', '@bedrock-ha/lambda-stack', 'bundle', outDir];
  const run = spawnSync('pnpm', entry ? [...args, entry] : args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the Lambda bundle failed: ${run.stderr || run.stdout}`);
  return join(outDir, 'handler.mjs');
}

/** Spawns `args` and resolves with its stdout and the wall time from spawn to exit. */
async function timedProcess(args, env) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}`);
  return { output, wallMs: performance.now() - started };
}

/** Bundles, then measures `runs` cold starts; returns sizes and medians. */
export async function lambdaColdStart({ runs = 10 } = {}) {
  const outDir = mkdtempSync(join(tmpdir(), 'bedrock-ha-lambda-bench-'));
  const sim = await startSimulatorProcess();
  try {
    const file = bundle(outDir);
    const floorFile = bundle(
      join(outDir, 'floor'),
      fileURLToPath(new URL('./lambda-sdk-floor.mjs', import.meta.url)),
    );
    const code = readFileSync(file);
    // With code splitting, the deployed code is the entry plus its chunks.
    const chunkDir = join(outDir, 'chunks');
    const chunks = existsSync(chunkDir)
      ? readdirSync(chunkDir)
          .filter((name) => name.endsWith('.mjs'))
          .map((name) => readFileSync(join(chunkDir, name)))
      : [];
    const deployed = [code, ...chunks];
    const deployedBytes = deployed.reduce((total, content) => total + content.byteLength, 0);
    const config = {
      client: { endpoint: sim.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
      chains: {
        haiku: {
          endpoints: [
            { id: 'east', region: 'us-east-1', modelId: HAIKU },
            { id: 'west', region: 'us-west-2', modelId: HAIKU },
          ],
        },
      },
    };
    const plainEnv = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      BEDROCK_HA_CONFIG_JSON: JSON.stringify(config),
    };
    // What the construct deploys: the file precompiled at synth, named by BEDROCK_HA_CONFIG. Imported
    // here, not at the top: this file is also the cold child, which must load nothing before the bundle.
    const { precompileConfig } = await import('@bedrock-ha/core');
    const configFile = join(outDir, 'bedrock-ha.json');
    writeFileSync(configFile, precompileConfig(JSON.stringify(config), 'json', { env: {} }));
    const env = { PATH: process.env.PATH, AWS_REGION: 'us-east-1', BEDROCK_HA_CONFIG: configFile };
    const self = fileURLToPath(import.meta.url);
    const cold = [];
    const plain = [];
    const floor = [];
    const bare = [];
    const coldRun = async (bundled, runEnv = env) => {
      const { output, wallMs } = await timedProcess([self, bundled], runEnv);
      // The handler's own request log shares stdout: the figures are the last line.
      return { ...JSON.parse(output.trim().split('\n').at(-1)), wallMs };
    };
    // Interleaved, so a busy moment of the shared machine hits all four alike.
    for (let run = 0; run < runs; run++) {
      bare.push((await timedProcess(['-e', '0'], env)).wallMs);
      cold.push(await coldRun(file));
      floor.push(await coldRun(floorFile, plainEnv));
      plain.push(await coldRun(file, plainEnv));
    }
    const floorBytes = statSync(floorFile).size;
    return {
      bundleBytes: deployedBytes,
      bundleMB: Number((deployedBytes / 1e6).toFixed(3)),
      entryBytes: code.byteLength,
      gzipBytes: deployed.reduce((total, content) => total + gzipSync(content).byteLength, 0),
      sourceMapBytes: statSync(`${file}.map`).size,
      runs,
      initMs: round1(median(cold.map((sample) => sample.initMs))),
      initMaxMs: round1(Math.max(...cold.map((sample) => sample.initMs))),
      initCpuMs: round1(median(cold.map((sample) => sample.initCpuMs))),
      firstInvokeMs: round1(median(cold.map((sample) => sample.firstInvokeMs))),
      processWallMs: round1(median(cold.map((sample) => sample.wallMs))),
      bareNodeWallMs: round1(median(bare)),
      processAddedMs: round1(median(cold.map((sample, index) => sample.wallMs - bare[index]))),
      sdkFloorEntryBytes: floorBytes,
      sdkFloorInitMs: round1(median(floor.map((sample) => sample.initMs))),
      sdkFloorInitCpuMs: round1(median(floor.map((sample) => sample.initCpuMs))),
      // Paired by run: the two ran back to back.
      initOverFloorMs: round1(median(cold.map((sample, index) => sample.initMs - floor[index].initMs))),
      initCpuOverFloorMs: round1(
        median(cold.map((sample, index) => sample.initCpuMs - floor[index].initCpuMs)),
      ),
      // The configuration inline, not precompiled: validated at init, so zod and the schema load.
      notPrecompiledInitMs: round1(median(plain.map((sample) => sample.initMs))),
      notPrecompiledInitOverFloorMs: round1(
        median(plain.map((sample, index) => sample.initMs - floor[index].initMs)),
      ),
      notPrecompiledInitCpuOverFloorMs: round1(
        median(plain.map((sample, index) => sample.initCpuMs - floor[index].initCpuMs)),
      ),
    };
  } finally {
    await sim.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** In the fresh process: import the bundle (Init), then one direct invocation. */
async function coldChild(file) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const { handler } = await import(pathToFileURL(file).href);
  const initMs = performance.now() - started;
  // CPU time is steadier than wall time when other processes share the cores.
  const cpu = process.cpuUsage(cpuBefore);
  const initCpuMs = (cpu.user + cpu.system) / 1000;
  const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 30_000 };
  const event = {
    chain: 'haiku',
    input: { messages: [{ role: 'user', content: [{ text: 'what is the largest city?' }] }] },
  };
  const invoked = performance.now();
  const result = await handler(event, context);
  const firstInvokeMs = performance.now() - invoked;
  if (!result?.servedBy) throw new Error(`the first invocation failed: ${JSON.stringify(result)}`);
  process.stdout.write(`${JSON.stringify({ initMs, initCpuMs, firstInvokeMs })}\n`);
  // The engine keeps keep-alive sockets, as it should in Lambda; end this process now.
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await coldChild(process.argv[2]);
