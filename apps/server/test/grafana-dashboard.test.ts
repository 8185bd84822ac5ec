import { readFileSync } from 'node:fs';
import { startServer } from '@bedrock-ha/node';
import {
  breakerStaysOpen,
  CHAT_CHAINS,
  chatTraffic,
  PRIMARY_PT,
  scrapeMetrics,
  simulatorClient,
} from '@bedrock-ha/test-kit';
import { describe, expect, it } from 'vitest';
import { harness, openaiClient, SIMULATOR } from './harness.js';

const DASHBOARD = new URL('../dashboards/bedrock-ha.json', import.meta.url);
const test = harness();
/** Every panel reads the data source the importer picks: Grafana's `$` + `{datasource}` variable. */
const DATASOURCE = ['$', '{datasource}'].join('');

interface Panel {
  readonly id: number;
  readonly title: string;
  readonly datasource: { readonly uid: string };
  readonly targets: readonly { readonly expr: string }[];
}

/**
 * The metric names a PromQL expression reads: what is left once label matchers (`{...}`),
 * grouping clauses (`by (...)`), range selectors and strings are taken out, that looks like one of
 * ours (`bedrock_ha_*`, `gen_ai_*`). Label names share those prefixes, hence the stripping.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  return [...bare.matchAll(/\b(?:bedrock_ha|gen_ai)_[a-zA-Z0-9_]*/g)].map((match) => match[0]);
}

/** The names a scrape exposes: every family, with a histogram's `_bucket`, `_sum` and `_count`. */
async function exportedNames(metricsUrl: string): Promise<Set<string>> {
  const { samples, types } = await scrapeMetrics(metricsUrl);
  const names = new Set(samples.map((sample) => sample.name));
  for (const [family, type] of types) {
    names.add(family);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(family + suffix);
  }
  return names;
}

describe('the Grafana dashboard', () => {
  it('queries only metrics a real server exports, after traffic with a failover', async () => {
    const sim = await test.simulator(SIMULATOR);
    sim.faults.add({ match: { model: PRIMARY_PT }, fault: { type: 'error', error: 'ThrottlingException' } });
    const server = await startServer({
      config: { client: simulatorClient(sim), policy: breakerStaysOpen(2), chains: CHAT_CHAINS },
      port: 0,
      telemetry: false,
      logLevel: 'silent',
      metrics: { port: 0 },
    });
    test.defer(() => server.close());
    await chatTraffic(openaiClient(server.url), 4);
    const exported = await exportedNames(server.metricsUrl!);

    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[]; uid: string };
    expect(dashboard.uid).toBe('bedrock-ha');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    const missing: string[] = [];
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid, panel.title).toBe(DATASOURCE);
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets) {
        const names = metricNames(expr);
        expect(names.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
        for (const name of names) if (!exported.has(name)) missing.push(`${panel.title}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('finds the metric names in a query and not its label names', () => {
    expect(
      metricNames(
        'sum by (bedrock_ha_endpoint_id) (rate(bedrock_ha_attempts_total{bedrock_ha_attempt_outcome!="success"}[5m])) / on (bedrock_ha_chain) gen_ai_client_operation_duration_count',
      ),
    ).toEqual(['bedrock_ha_attempts_total', 'gen_ai_client_operation_duration_count']);
  });
});
