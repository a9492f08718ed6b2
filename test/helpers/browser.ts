/** Real headless Chromium (Debian's) through playwright-core, with a fresh profile per launch. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_PATH } from './chromiumPath';

export { CHROMIUM_PATH };

export async function launchBrowser(): Promise<BrowserContext> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'authplane-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
