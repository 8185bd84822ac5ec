import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli } from './cli-process.js';

interface DemoJson {
  requests: {
    index: number;
    servedBy?: string;
    text: string;
    startedAtMs: number;
    latencyMs: number;
    cuts?: { endpoint: string; partialText: string }[];
  }[];
  events: (
    | { type: 'failover'; atMs: number; from: string; to?: string; reason: string; resumed: boolean }
    | { type: 'breaker'; atMs: number; endpoint: string; from: string; to: string }
  )[];
  summary: {
    requests: number;
    succeeded: number;
    failed: number;
    endpoints: { endpointId: string; served: number; p50Ms?: number; p99Ms?: number }[];
    failovers: { total: number; byReason: Record<string, number> };
    breakerTransitions: number;
    throttled: Record<string, number>;
    spilled: Record<string, number>;
    primary?: {
      endpointId: string;
      tokensPerMinute: number;
      durationMs: number;
      burstTokens: number;
      refilledTokens: number;
      allowedTokens: number;
      usedTokens: number;
      utilizationPercent: number;
    };
    returnedToPrimary?: { index: number; atMs: number };
    latency: { p50Ms?: number; p99Ms?: number };
  };
  simulatorCounters: { region: string; model: string; outcomes: Record<string, number> }[];
}

const SCENARIOS = fileURLToPath(new URL('../../../packages/simulator/scenarios/', import.meta.url));

/**
 * "Back on the primary" names a request that started after the PT's breaker last opened and was
 * served by the PT; requests in flight when it opened do not count.
 */
function expectTrueReturn(demo: DemoJson): void {
  const openings = demo.events.filter(
    (event) => event.type === 'breaker' && event.endpoint === 'pt-east' && event.to === 'open',
  );
  const lastOpen = openings.at(-1)?.atMs;
  const returned = demo.summary.returnedToPrimary;
  if (lastOpen === undefined) {
    expect(returned).toBeUndefined();
    return;
  }
  const firstBack = demo.requests
    .filter((request) => request.servedBy === 'pt-east' && request.startedAtMs >= lastOpen)
    .sort((left, right) => left.startedAtMs + left.latencyMs - (right.startedAtMs + right.latencyMs))[0];
  if (firstBack === undefined) {
    expect(returned).toBeUndefined();
    return;
  }
  expect(returned).toBeDefined();
  expect(returned?.atMs).toBeGreaterThanOrEqual(lastOpen);
  const request = demo.requests.find((candidate) => candidate.index === returned?.index);
  expect(request?.servedBy).toBe('pt-east');
  expect(request?.startedAtMs).toBeGreaterThanOrEqual(lastOpen);
}

/** Every number of a JSON document, wherever it is. */
function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(numbers);
}

describe('bedrock-ha demo', () => {
  it("prints the sample's walkthrough with --reactive: failover to us-west-2 when the PT throttles, then back to the PT", async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--reactive'], {
      env: cleanEnv(await emptyHome()),
      timeoutMs: 60_000,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^0: From provisioned throughput in us-east-1: Tokyo$/m);
    expect(stdout).toMatch(/^\d+: From on-demand throughput in us-west-2: Tokyo$/m);
    expect(stdout).toMatch(/Throttling detected on pt-east, failing over to haiku-west in us-west-2/);
    expect(stdout).toMatch(/Breaker of pt-east: closed -> open/);
    expect(stdout).toMatch(/Breaker of pt-east: half-open -> closed/);
    // The return: a PT answer printed after the breaker closed again.
    const closedAt = stdout.search(/half-open -> closed/);
    expect(stdout.slice(closedAt)).toMatch(/\d+: From provisioned throughput in us-east-1: Tokyo/);
    expect(stdout).toMatch(/Summary: 20 requests/);
    expect(stdout).toMatch(/^pt-east\s+us-east-1\s+provisioned\s+\d+/m);
    expect(stdout).toMatch(/^back on the primary\s+from request \d+/m);
  }, 60_000);

  it('reports in --json a summary whose numbers add up, and agree with the simulator', async () => {
    const { code, stdout } = await runCli(
      ['demo', '--reactive', '--json', '--requests', '30', '--concurrency', '2'],
      {
        env: cleanEnv(await emptyHome()),
        timeoutMs: 60_000,
      },
    );
    expect(code).toBe(0);
    const demo = JSON.parse(stdout) as DemoJson;
    const { summary } = demo;
    expect(summary.requests).toBe(30);
    expect(demo.requests).toHaveLength(30);
    expect(new Set(demo.requests.map((request) => request.index)).size).toBe(30);
    expect(summary.failed).toBe(0);
    expect(summary.endpoints.reduce((sum, endpoint) => sum + endpoint.served, 0)).toBe(summary.succeeded);
    for (const endpoint of summary.endpoints) {
      expect(endpoint.served).toBe(
        demo.requests.filter((request) => request.servedBy === endpoint.endpointId).length,
      );
      if (endpoint.served > 0) expect(endpoint.p99Ms).toBeGreaterThanOrEqual(endpoint.p50Ms ?? Number.NaN);
    }
    const failovers = demo.events.filter((event) => event.type === 'failover');
    expect(summary.failovers.total).toBe(failovers.length);
    expect(Object.values(summary.failovers.byReason).reduce((sum, count) => sum + count, 0)).toBe(
      failovers.length,
    );
    expect(summary.failovers.byReason.throttled).toBeGreaterThan(0);
    expect(summary.breakerTransitions).toBe(demo.events.filter((event) => event.type === 'breaker').length);
    expect(demo.events).toContainEqual(
      expect.objectContaining({ type: 'breaker', endpoint: 'pt-east', to: 'open' }),
    );
    expectTrueReturn(demo);
    // What the engine says the PT served is what the simulator saw succeed on it.
    const served = Object.fromEntries(
      summary.endpoints.map((endpoint) => [endpoint.endpointId, endpoint.served]),
    );
    const ptSuccesses = demo.simulatorCounters
      .filter((counter) => counter.region === 'us-east-1' && counter.model.includes('provisioned-model'))
      .reduce((sum, counter) => sum + (counter.outcomes.success ?? 0), 0);
    const ptThrottles = demo.simulatorCounters
      .filter((counter) => counter.region === 'us-east-1' && counter.model.includes('provisioned-model'))
      .reduce((sum, counter) => sum + (counter.outcomes.ThrottlingException ?? 0), 0);
    expect(ptSuccesses).toBe(served['pt-east']);
    expect(ptThrottles).toBe(summary.failovers.byReason.throttled);
  }, 60_000);

  it('declares the PT capacity and spills to us-west-2 before the PT throttles, with no breaker involved', async () => {
    const { code, stdout, stderr } = await runCli(['demo'], {
      env: cleanEnv(await emptyHome()),
      timeoutMs: 60_000,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Admission: pt-east declares 3000 tokens a minute/m);
    expect(stdout).toMatch(/^\[\d+\.\d\d s\] spilled to haiku-west: pt-east at capacity$/m);
    expect(stdout).toMatch(/^\d+: From provisioned throughput in us-east-1: Tokyo$/m);
    expect(stdout).not.toMatch(/Throttling detected/);
    expect(stdout).not.toMatch(/Breaker of pt-east/);
    expect(stdout).toMatch(/^pt-east\s+us-east-1\s+provisioned\s+\d+\s+0\s+[1-9]\d*\s/m);
    // Against what the PT could serve in this run (its one-second burst + what refilled), not a minute.
    expect(stdout).toMatch(
      /^PT utilization\s+\d+%: \d+ of the \d+ tokens pt-east's 3,000\/min quota allowed in this \d+\.\d\d s run \(50 burst at the start \+ \d+ refilled\)$/m,
    );
  }, 60_000);

  it('--json reports throttled attempts per endpoint and the PT utilization, with and without admission', async () => {
    const run = async (flags: string[]) => {
      const { code, stdout } = await runCli(['demo', '--json', '--requests', '30', ...flags], {
        env: cleanEnv(await emptyHome()),
        timeoutMs: 60_000,
      });
      expect(code).toBe(0);
      return JSON.parse(stdout) as DemoJson;
    };
    const admitted = await run([]);
    const reactive = await run(['--reactive']);
    expect(admitted.summary.throttled).toEqual({ 'pt-east': 0, 'haiku-west': 0 });
    expect(admitted.summary.spilled['pt-east']).toBeGreaterThan(0);
    expect(admitted.summary.spilled['pt-east']).toBe(admitted.summary.failovers.byReason['at-capacity']);
    expect(reactive.summary.throttled['pt-east']).toBeGreaterThan(0);
    expect(reactive.summary.spilled['pt-east']).toBe(0);
    for (const demo of [admitted, reactive]) {
      // The PT's use agrees with the simulator's own count of what it served.
      const primary = demo.summary.primary!;
      expect(primary).toMatchObject({ endpointId: 'pt-east', tokensPerMinute: 3000, burstTokens: 50 });
      expect(primary.refilledTokens).toBe(Math.round((3000 * primary.durationMs) / 60_000));
      expect(
        Math.abs(primary.allowedTokens - primary.burstTokens - primary.refilledTokens),
      ).toBeLessThanOrEqual(1);
      expect(primary.usedTokens).toBeGreaterThan(0);
      expect(primary.utilizationPercent).toBe(Math.round((primary.usedTokens / primary.allowedTokens) * 100));
      const ptThrottles = demo.simulatorCounters
        .filter((counter) => counter.region === 'us-east-1' && counter.model.includes('provisioned-model'))
        .reduce((sum, counter) => sum + (counter.outcomes.ThrottlingException ?? 0), 0);
      expect(ptThrottles).toBe(demo.summary.throttled['pt-east']);
    }
  }, 120_000);

  it('under concurrency, reports when traffic really came back to the PT after its last opening', async () => {
    const { code, stdout } = await runCli(
      ['demo', '--reactive', '--json', '--requests', '100', '--concurrency', '8'],
      {
        env: cleanEnv(await emptyHome()),
        timeoutMs: 60_000,
      },
    );
    expect(code).toBe(0);
    const demo = JSON.parse(stdout) as DemoJson;
    expect(demo.events).toContainEqual(
      expect.objectContaining({ type: 'breaker', endpoint: 'pt-east', to: 'open' }),
    );
    expectTrueReturn(demo);
    // Milliseconds are whole numbers in JSON, not 50.10391200000004.
    for (const value of numbers(demo.summary)) expect(Number.isInteger(value)).toBe(true);
  }, 60_000);

  it('slow-primary.yaml: an attempt that takes too long fails over, and the header says after how long', async () => {
    const { code, stdout } = await runCli(
      ['demo', '--scenario', join(SCENARIOS, 'slow-primary.yaml'), '--requests', '4'],
      { env: cleanEnv(await emptyHome()), timeoutMs: 60_000 },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Policy: .*an attempt gives up after 1\.5 s/m);
    expect(stdout).toMatch(
      /Timeout on pt-east \(no answer within 1\.5 s\), failing over to haiku-west in us-west-2/,
    );
    expect(stdout).toMatch(/^0: From on-demand throughput in us-west-2: Tokyo$/m);
    expect(stdout).toMatch(/^failovers\s+\d+ \(timeout \d+/m);
    expect(stdout).toMatch(
      /^back on the primary\s+no: its breaker last opened at \d+\.\d\d s and traffic had not returned$/m,
    );
  }, 60_000);

  it('mid-stream-cut.yaml with --stream: shows where each answer broke and who resumed it', async () => {
    const scenario = join(SCENARIOS, 'mid-stream-cut.yaml');
    const env = cleanEnv(await emptyHome());
    const text = await runCli(['demo', '--scenario', scenario, '--stream', '--requests', '2'], {
      env,
      timeoutMs: 60_000,
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /Stream from haiku-east broke mid-answer \(network\), resuming it on haiku-west in us-west-2/,
    );
    expect(text.stdout).toMatch(
      /^0: From on-demand throughput in us-east-1: "[^"]+" -- stream broke, resumed by on-demand throughput in us-west-2: "[^"]+"$/m,
    );
    const json = await runCli(['demo', '--json', '--scenario', scenario, '--stream', '--requests', '1'], {
      env,
      timeoutMs: 60_000,
    });
    const [request] = (JSON.parse(json.stdout) as DemoJson).requests;
    expect(request?.servedBy).toBe('haiku-west');
    expect(request?.cuts).toHaveLength(1);
    expect(request?.cuts?.[0]?.endpoint).toBe('haiku-east');
    expect(request?.cuts?.[0]?.partialText.length).toBeGreaterThan(0);
    // The answer is whole: what haiku-east sent, continued by haiku-west.
    expect(request?.text.startsWith(request.cuts?.[0]?.partialText ?? '-')).toBe(true);
    expect(request?.text).toMatch(/\.$/);
    // Without --stream, the demo says why this scenario shows nothing.
    const plain = await runCli(['demo', '--scenario', scenario, '--requests', '1'], {
      env,
      timeoutMs: 60_000,
    });
    expect(plain.stderr).toContain(
      'Every fault of mid-stream-cut.yaml hits ConverseStream: add --stream to see them',
    );
  }, 60_000);

  it('says traffic never left the primary when nothing failed it', async () => {
    const home = await emptyHome();
    const scenario = join(home, 'calm.yaml');
    await writeFile(
      scenario,
      'provisionedThroughputs:\n  - { name: calm, region: us-east-1, modelId: anthropic.claude-3-haiku-20240307-v1:0:48k, id: calmpt000001 }\n',
    );
    const { code, stdout } = await runCli(['demo', '--scenario', scenario, '--requests', '3'], {
      env: cleanEnv(home),
      timeoutMs: 60_000,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^back on the primary\s+traffic never left it$/m);
  }, 60_000);

  it('--help lists the global options it honours, --json among them', async () => {
    const { code, stdout } = await runCli(['demo', '--help'], { env: cleanEnv(await emptyHome()) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\s+--json\s+every request/m);
    expect(stdout).toMatch(/^\s+--stream\s/m);
  });

  it('rejects an invalid scenario file with exit code 2 and names the problem', async () => {
    const home = await emptyHome();
    const { writeFile } = await import('node:fs/promises');
    const scenario = `${home}/bad.yaml`;
    await writeFile(scenario, 'seed: not-a-number\n');
    const { code, stderr } = await runCli(['demo', '--scenario', scenario], { env: cleanEnv(home) });
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.yaml/);
    expect(stderr).toMatch(/seed/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
