/**
 * A real AuthPlane server with the UI mounted, and a Chromium page opened on it the way the
 * Electron window does (the preload's `window.authplane.getServerInfo()`), or through the
 * browser sign-in link.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../helpers/server';
import type { StartOptions } from '../../../server/app';
import { ensureRendererBuilt } from './renderer';

export const SCREENSHOT_DIR = resolve(__dirname, '../../../test-output/screenshots');

export async function startUiServer(opts: Partial<StartOptions> = {}): Promise<TestServer> {
  const rendererDir = await ensureRendererBuilt();
  // The app's own /ui/ mount, on this build: by default it serves dist/renderer, which may be stale.
  return startTestServer({ consent: 'prompt', ...opts, ui: { rendererDir } });
}

/** Opens the UI as the Electron window sees it: credentials from the (emulated) preload. */
export async function openWindow(browser: BrowserContext, s: TestServer, hash = '#/prompts'): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript(
    ({ issuer, adminToken }) => {
      // What electron/preload.ts exposes through contextBridge.
      Object.defineProperty(window, 'authplane', { value: Object.freeze({ getServerInfo: () => Promise.resolve({ issuer, adminToken }) }) });
    },
    { issuer: s.issuer, adminToken: s.adminToken },
  );
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { uiErrors?: string[] }).uiErrors = errors;
  await page.goto(`${s.issuer}/ui/${hash}`);
  return page;
}

export function uiErrors(page: Page): string[] {
  return (page as Page & { uiErrors?: string[] }).uiErrors ?? [];
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  // Transitions finished: a shot right after a theme switch would catch colours halfway.
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}
