import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';

/** Debian's chromium (`.ci/run` installs it), driven by playwright-core with a fresh profile. */
export const CHROMIUM = process.env.PINION_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/**
 * Every test run saves a screenshot of each page, to a temporary folder so a run leaves the checkout clean;
 * `UPDATE_SCREENSHOTS=1` writes them over the committed ones the README shows.
 */
const SHOTS = process.env.UPDATE_SCREENSHOTS ? resolve(import.meta.dirname, 'screenshots') : join(tmpdir(), 'pinion-screenshots');

export async function openBrowser(opts: { timezoneId: string }): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'pinion-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    timezoneId: opts.timezoneId,
    locale: 'en-GB',
    viewport: { width: 1200, height: 820 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves what the page looks like now, for the README and for people reviewing a change (a small palette PNG: they are committed). */
export async function screenshot(page: Page, name: string, fullPage = false) {
  mkdirSync(SHOTS, { recursive: true });
  const png = await page.screenshot({ fullPage });
  await sharp(png)
    .png({ palette: true, colours: 64, compressionLevel: 9 })
    .toFile(join(SHOTS, `${name}.png`));
}

/** Waits until the page's script has wired up its forms and loaded what it shows. */
export async function ready(page: Page) {
  await page.locator('html[data-ready="true"]').waitFor({ state: 'attached' });
}
