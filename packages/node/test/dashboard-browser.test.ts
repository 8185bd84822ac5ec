import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '@bedrock-ha/simulator';
import { breakerStaysOpen, chatTraffic, simulatorClient } from '@bedrock-ha/test-kit';
import { type Browser, chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { API_KEY, HAIKU, harness, openaiClient } from './harness.js';

// Debian's package (`apt-get install chromium`, which .ci/run does when it is missing).
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => path !== undefined && existsSync(path),
);
if (!CHROMIUM)
  console.warn(
    'dashboard browser test skipped: no Chromium found. Install it (`apt-get install -y chromium`) or set CHROMIUM_PATH.',
  );

const STORM = fileURLToPath(new URL('../../simulator/scenarios/pt-throttling-storm.yaml', import.meta.url));
const STORM_PT = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/stormpt00001';
const RESULTS = fileURLToPath(new URL('../../../test-results/', import.meta.url));
const test = harness();

async function launch(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM!,
    // Chromium refuses to start as root with its sandbox on (CI containers run as root).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  test.defer(() => browser.close());
  return browser;
}

describe.skipIf(!CHROMIUM)('the live dashboard in headless Chromium', () => {
  it('shows the PT breaker opening during a throttling storm, and the traffic moving to the fallback', async () => {
    const sim = await test.simulator(await loadScenario(STORM));
    const { server } = await test.server(sim, {
      config: {
        client: simulatorClient(sim),
        policy: breakerStaysOpen(3),
        chains: {
          chat: {
            endpoints: [
              { id: 'pt', modelId: STORM_PT },
              { id: 'fallback', region: 'us-west-2', modelId: HAIKU },
            ],
          },
        },
      },
    });
    // The page answers 401 with a Basic challenge; the browser answers it with the API key.
    const browser = await launch();
    const context = await browser.newContext({
      viewport: { width: 1200, height: 1000 },
      httpCredentials: { username: 'operator', password: API_KEY },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    const requested: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('request', (request) => requested.push(request.url()));
    const response = await page.goto(`${server.url}/dashboard`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('tr[data-endpoint="pt"] [data-breaker="closed"]', { state: 'attached' });

    await chatTraffic(openaiClient(server.url), 8);

    // The page polls: within a few seconds it shows the breaker open, in the table and over time.
    await page.waitForSelector('tr[data-endpoint="pt"] [data-breaker="open"]', {
      state: 'attached',
      timeout: 15_000,
    });
    await page.waitForSelector('#timeline rect[data-endpoint="pt"][data-state="open"]', {
      state: 'attached',
    });
    const transitions = await page.$$eval('#transitions li[data-state="open"]', (items) =>
      items.map((item) => item.textContent ?? ''),
    );
    expect(transitions.some((line) => line.endsWith('pt -> open'))).toBe(true);
    // Every request served by the fallback, once a poll after the last one has come in.
    await expect
      .poll(() => page.locator('#split li[data-endpoint="fallback"]').textContent(), { timeout: 10_000 })
      .toBe('fallback 100.0% (8)');
    const reasons = await page.$$eval('#failovers .bar', (bars) =>
      bars.map((bar) => bar.getAttribute('data-key')),
    );
    expect(reasons.sort()).toEqual(['circuit-open', 'throttled']);
    const latency = await page.$$eval('#latency .bar .name', (names) =>
      names.map((name) => name.textContent),
    );
    expect(latency).toEqual(['fallback p50', 'fallback p99']);

    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: `${RESULTS}dashboard-pt-throttling-storm.png`, fullPage: true });
    // Every asset inline: the page fetched nothing but itself and its data, and ran without errors.
    expect(requested.filter((url) => !url.startsWith(`${server.url}/dashboard`))).toEqual([]);
    expect(problems).toEqual([]);
  }, 60_000);
});
