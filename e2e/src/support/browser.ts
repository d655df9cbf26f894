/**
 * A real browser for UI tests: Debian's chromium driven by playwright-core (no browser download;
 * `.ci/run` installs the `chromium` package). Screenshots of main pages go to docs/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const SCREENSHOT_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'docs',
  'screenshots',
);

/** Path of the chromium binary, or null when the machine has none (tests then skip locally). */
export function chromiumPath(): string | null {
  const configured = process.env.HERON_CHROMIUM_PATH;
  if (configured) return configured;
  return CHROMIUM_PATHS.find((path) => existsSync(path)) ?? null;
}

/**
 * The skip reason for browser tests: false when chromium is here. Under CI a missing chromium
 * is an error, not a skip (.ci/run installs it).
 */
export function browserTestSkip(): string | false {
  if (chromiumPath() !== null) return false;
  if (process.env.CI) {
    throw new Error('CI must run the browser tests: apt-get install -y chromium (see .ci/run)');
  }
  return 'no chromium on this machine (apt-get install -y chromium)';
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new Error('No chromium found: apt-get install -y chromium (or set HERON_CHROMIUM_PATH)');
  }
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Opens a page with a fixed viewport, failing the test on uncaught page errors. */
export async function openPage(browser: Browser, colorScheme: 'light' | 'dark' = 'light') {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme });
  const page = await context.newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  return { page, pageErrors };
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}
