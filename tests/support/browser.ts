import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Where screenshots go (git-ignored), so a person can look at every screen a test drove. */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/**
 * Debian's Chromium, headless, as root: the flags this machine needs (no sandbox, no
 * background networking on a closed network) and a fresh profile per launch.
 */
export async function launchChromium(
  opts: {
    viewport?: { width: number; height: number };
    deviceScaleFactor?: number;
    args?: string[];
    /** A phone: meta viewport honoured, touch events (`openPhone` in phone.ts). */
    isMobile?: boolean;
    hasTouch?: boolean;
  } = {},
): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'onewindow-chromium-'));
  // A persistent context is how Playwright takes an explicit, fresh --user-data-dir.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: opts.viewport ?? { width: 1280, height: 720 },
    deviceScaleFactor: opts.deviceScaleFactor ?? 1,
    ...(opts.isMobile !== undefined ? { isMobile: opts.isMobile } : {}),
    ...(opts.hasTouch !== undefined ? { hasTouch: opts.hasTouch } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // e.g. Chromium's fake camera for the document camera (高拍仪) tests.
      ...(opts.args ?? []),
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
