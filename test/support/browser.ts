// A real browser for page-level tests: Debian's Chromium driven by playwright-core (the
// Playwright-managed browsers cannot be downloaded here). One browser per test file, a fresh
// context (its own cookies) per test; screenshots of failing tests go to scratch/.
// launchBrowser/screenshot work outside vitest too (test/support/screenshots.ts uses them).
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type CDPSession, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Same language and size everywhere, so texts and screenshots do not depend on the machine. */
export const defaultContextOptions: BrowserContextOptions = {
  locale: 'en-GB',
  viewport: { width: 1024, height: 768 },
  colorScheme: 'light',
};

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

export function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ ...defaultContextOptions, ...options });
}

/** A full-page PNG at `path` (directories created). */
export async function screenshot(page: Page, path: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: opts.fullPage ?? true, animations: 'disabled' });
}

/**
 * Register the hooks of a browser test file: the browser starts once before the file's tests;
 * every context opened through `page()`/`context()` is closed after its test (after a
 * screenshot of its pages when the test failed, under scratch/test-failures/).
 */
export function useBrowser() {
  let browser: Browser | undefined;
  let open: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async ({ task }) => {
    const contexts = open;
    open = [];
    if (task.result?.state === 'fail') {
      const name = task.name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 80);
      let i = 0;
      for (const page of contexts.flatMap((c) => c.pages())) {
        await screenshot(page, join('scratch', 'test-failures', `${name}-${i++}.png`)).catch(() => undefined);
      }
    }
    await Promise.all(contexts.map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function context(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    if (!browser) throw new Error('useBrowser(): the browser is not started (call context() inside a test)');
    const ctx = await newContext(browser, options);
    open.push(ctx);
    return ctx;
  }

  return {
    context,
    /** A page in a fresh context: no cookies, nothing shared with other tests. */
    async page(options: BrowserContextOptions = {}): Promise<Page> {
      return (await context(options)).newPage();
    },
  };
}

/** Chrome's virtual authenticator (DevTools WebAuthn domain) on a page: real WebAuthn ceremonies. */
export async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

/** A relying party's redirect_uri as a real listener, so the browser ends on a real page. */
export async function startCallbackServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Client callback</title><p>Callback reached</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Fill in and send the password page by its labels, as a person does. */
export async function submitPasswordForm(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.getByLabel('E-mail address').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}
