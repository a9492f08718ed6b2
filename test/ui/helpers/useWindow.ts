/**
 * The set-up every Chromium UI test file shares: a real server with the UI mounted, the file's
 * own data in it, then Chromium (one per file: vitest runs files in parallel workers), and
 * optionally one window opened on it; all closed after the file. Call it at the top level of a
 * test file: it registers the file's beforeAll/afterAll.
 */
import { afterAll, beforeAll } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../helpers/browser';
import type { TestServer } from '../../helpers/server';
import type { StartOptions } from '../../../server/app';
import { openWindow, startUiServer } from './ui';

export interface WindowOptions {
  /** The server's options (consent mode…); startUiServer's defaults otherwise. */
  serve?: Partial<StartOptions>;
  /** The file's data, put in before Chromium starts. */
  seed?: (s: TestServer) => Promise<unknown>;
  /** How long a browser step may wait before it fails with its locator (Playwright's 30 s otherwise). */
  stepTimeout?: number;
  /** A window opened before the tests (`win`), on this hash, and what to wait for on it. */
  open?: { hash: string; ready?: (win: Page) => Promise<unknown> };
}

export interface WindowFixture {
  readonly server: TestServer;
  readonly browser: BrowserContext;
  /** The window opened by `open`. */
  readonly win: Page;
  readonly adminToken: string;
  /** Another window on the server, as the Electron window sees it. */
  open(hash?: string): Promise<Page>;
}

/** Start-up waits for the renderer build and Chromium on a busy machine: far more than it takes. */
const SETUP_TIMEOUT = 120_000;

export function useWindow(opts: WindowOptions = {}): WindowFixture {
  let server: TestServer | undefined;
  let browser: BrowserContext | undefined;
  let win: Page | undefined;
  const running = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useWindow: no ${what} (used outside the tests, or its set-up failed)`);
    return value;
  };

  beforeAll(async () => {
    server = await startUiServer(opts.serve);
    await opts.seed?.(server);
    browser = await launchBrowser();
    if (opts.stepTimeout !== undefined) browser.setDefaultTimeout(opts.stepTimeout);
    if (opts.open) {
      win = await openWindow(browser, server, opts.open.hash);
      await opts.open.ready?.(win);
    }
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    get server() {
      return running(server, 'server');
    },
    get browser() {
      return running(browser, 'browser');
    },
    get win() {
      return running(win, 'window (pass `open`)');
    },
    get adminToken() {
      return running(server, 'server').adminToken;
    },
    open: (hash) => openWindow(running(browser, 'browser'), running(server, 'server'), hash),
  };
}
