import { describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli } from './cli-process.js';

interface DemoJson {
  requests: { index: number; servedBy?: string }[];
  events: (
    | { type: 'failover'; from: string; to?: string; reason: string }
    | { type: 'breaker'; endpoint: string; from: string; to: string }
  )[];
  summary: {
    requests: number;
    succeeded: number;
    failed: number;
    endpoints: { endpointId: string; served: number; p50Ms?: number; p99Ms?: number }[];
    failovers: { total: number; byReason: Record<string, number> };
    breakerTransitions: number;
    returnedToPrimary?: { index: number };
    latency: { p50Ms?: number; p99Ms?: number };
  };
  simulatorCounters: { region: string; model: string; outcomes: Record<string, number> }[];
}

describe('bedrock-ha demo', () => {
  it("prints the sample's walkthrough: failover to us-west-2 when the PT throttles, then back to the PT", async () => {
    const { code, stdout, stderr } = await runCli(['demo'], {
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
    const { code, stdout } = await runCli(['demo', '--json', '--requests', '30', '--concurrency', '2'], {
      env: cleanEnv(await emptyHome()),
      timeoutMs: 60_000,
    });
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
    expect(summary.returnedToPrimary).toBeDefined();
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
