import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cleanEnv, emptyHome, runCli } from './cli-process.js';

/** Debian's Chromium, which `.ci/run` installs; CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = fileURLToPath(new URL('../../../test-results/', import.meta.url));

describe('bedrock-ha demo --report', () => {
  it('writes a self-contained page whose timeline shows the failover and the breaker opening, in a real browser', async (context) => {
    if (!existsSync(CHROMIUM)) {
      context.skip(`no Chromium at ${CHROMIUM}: install Debian's chromium package, or set CHROMIUM_PATH`);
    }
    const home = await emptyHome();
    const file = join(home, 'run.html');
    const { code, stdout, stderr } = await runCli(['demo', '--reactive', '--report', file], {
      env: cleanEnv(home),
      timeoutMs: 60_000,
    });
    expect(code).toBe(0);
    expect(stderr).toBe(`Report: ${file}\n`);
    expect(stdout).toMatch(/Breaker of pt-east: closed -> open/);
    const html = await readFile(file, 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/); // nothing loaded from elsewhere

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`network request: ${request.url()}`);
      });
      await page.goto(pathToFileURL(file).href);

      expect(await page.title()).toBe('bedrock-ha demo report');
      expect(await page.locator('#served b').textContent()).toBe('20');
      expect(await page.locator('#generated').textContent()).toMatch(/^generated /); // the inline script ran

      // The PT's breaker opened: a visible band in its lane, and no band on the backup.
      const open = page.locator('.breaker-open[data-endpoint="pt-east"]').first();
      await expect.poll(() => open.isVisible()).toBe(true);
      expect((await open.boundingBox())?.width).toBeGreaterThan(10);
      expect(await page.locator('.breaker-open[data-endpoint="haiku-west"]').count()).toBe(0);
      const openFrom = Number(await open.getAttribute('data-from-ms'));
      const openTo = Number(await open.getAttribute('data-to-ms'));

      // Failover: the PT served first, then the backup served while the breaker was open.
      expect(
        await page.locator('line.failover[data-from="pt-east"][data-to="haiku-west"]').count(),
      ).toBeGreaterThan(0);
      const servedAt = async (endpoint: string) =>
        (await page
          .locator(`.served[data-endpoint="${endpoint}"]`)
          .evaluateAll((marks) => marks.map((mark) => Number(mark.getAttribute('data-ms'))))) as number[];
      const primary = await servedAt('pt-east');
      const backup = await servedAt('haiku-west');
      expect(Math.min(...primary)).toBeLessThan(Math.min(...backup));
      expect(backup.some((ms) => ms > openFrom && ms < openTo)).toBe(true);
      expect(await page.locator('#events').textContent()).toContain(
        'failover pt-east → haiku-west (throttled)',
      );
      expect(await page.locator('#events').textContent()).toContain('breaker pt-east open');

      // Hovering the band names it.
      await open.hover();
      expect(await page.locator('#tip').textContent()).toMatch(/^pt-east breaker open from \d+\.\d\d s/);

      // The outcome filter hides throttled marks.
      await page.locator('input[data-outcome="throttled"]').uncheck();
      expect(await page.locator('.attempt-throttled').first().isVisible()).toBe(false);
      await page.locator('input[data-outcome="throttled"]').check();

      await mkdir(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'demo-report.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('refuses a report path in a folder that does not exist, before running anything', async () => {
    const home = await emptyHome();
    const file = join(home, 'missing', 'run.html');
    const { code, stdout, stderr } = await runCli(['demo', '--report', file], { env: cleanEnv(home) });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`cannot write the report to ${file}: its folder does not exist`);
    expect(stderr).toContain('pass --report a path in an existing, writable folder');
    expect(existsSync(file)).toBe(false);
  });
});
