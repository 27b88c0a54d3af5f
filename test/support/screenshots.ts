// Screenshots of every hosted page, for a person to look at (not a test; not run in CI):
//
//   node --import tsx test/support/screenshots.ts [outDir]
//
// Starts a real Twofold against the local PostgreSQL and Redis, in a throwaway database and
// Redis prefix removed afterwards, walks the pages in Chromium at a desktop and a phone width,
// and writes PNGs to scratch/screenshots/<width>/ (scratch/ is git-ignored).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../interactions/app.js';
import { parseConfig, type Config } from '../../src/config/index.js';
import { seedDemo } from '../../src/demo/seed.js';
import { createLogger } from '../../src/log.js';
import { hostedProviderPages } from '../../interactions/provider-pages.js';
import { createServices } from '../../src/services.js';
import { generate } from 'otplib';
import { launchBrowser, newContext, screenshot } from './browser.js';
import { createClient, createUser, type TestClient } from './fixtures.js';
import { authorizationRequest, discover } from './relying-party.js';

const adminUrl = process.env['TEST_PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const outDir = process.argv[2] ?? join('scratch', 'screenshots');

const viewports = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'mobile', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
];

async function withThrowawayStorage<T>(run: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbName = `twofold_shots_${id}`;
  const prefix = `twofold-shots:${id}:`;
  const dataDir = await mkdtemp(join(tmpdir(), 'twofold-shots-'));
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${dbName}`;
  try {
    return await run({ DATABASE_URL: databaseUrl.href, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, DATA_DIR: dataDir });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const totp = (secret: string, offsetSteps: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30, period: 30, digits: 6, algorithm: 'sha1' });

async function fillSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
  await page.waitForLoadState('load');
}

async function main(): Promise<void> {
  await withThrowawayStorage(async (storageEnv) => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const callbacks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Callback</title><p>Callback reached</p>');
    });
    await new Promise<void>((resolve) => callbacks.listen(0, '127.0.0.1', resolve));
    const callbackBase = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}`;

    const config = parseConfig({
      ...storageEnv,
      ISSUER: url,
      LOG_LEVEL: 'silent',
      DEMO: 'true',
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      COOKIE_KEYS: randomBytes(48).toString('base64url'),
    }) as Config;
    const log = createLogger(config.logLevel);
    const services = await createServices(config, log, { providerPages: hostedProviderPages(log) });
    const demo = await seedDemo(services);
    server.on('request', createApp(services, { demo }).callback());

    const user = await createUser(services, { name: 'Grace Hopper' });
    const client: TestClient = await createClient(services, { firstParty: false, name: 'Photo Printer', redirectUri: `${callbackBase}/callback` });
    const rp = await discover(url, client);

    let browser: Browser | undefined;
    try {
      browser = await launchBrowser();
      for (const { name, ...options } of viewports) {
        const dir = join(outDir, name);
        const shot = (page: Page, file: string) => screenshot(page, join(dir, `${file}.png`));

        const context = await newContext(browser, options);
        const page = await context.newPage();

        await page.goto((await authorizationRequest(rp, client)).url.href);
        await shot(page, '01-sign-in');
        await fillSignIn(page, user.email, 'not the password');
        await shot(page, '02-sign-in-error');
        await page.getByLabel('E-mail address', { exact: true }).fill('');
        await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
        await page.waitForLoadState('load');
        await shot(page, '03-sign-in-missing');
        await fillSignIn(page, user.email, user.password);
        await page.getByRole('button', { name: 'Allow access' }).waitFor();
        await shot(page, '04-consent');
        await page.getByRole('button', { name: 'Allow access' }).click();
        await page.waitForURL(`${callbackBase}/**`);

        await page.goto((await authorizationRequest(rp, client, { prompt: 'login' })).url.href);
        await shot(page, '05-sign-in-again');

        await page.goto(`${url}/session/end`);
        await shot(page, '06-logout-confirm');
        await page.getByRole('button', { name: 'Sign out of all apps' }).click();
        await page.waitForURL(/\/session\/end\/success/);
        await shot(page, '07-signed-out');

        await page.goto(`${url}/interaction/no-such-interaction`);
        await shot(page, '08-expired');
        await page.goto(`${url}/auth?client_id=no-such-client&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fexample.com%2Fcb`);
        await shot(page, '09-error-unknown-client');
        await page.goto(`${url}/auth?client_id=${client.clientId}&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2Fcb`);
        await shot(page, '10-error-redirect-uri');
        await page.goto(`${url}/no/such/page`);
        await shot(page, '11-error-not-found');

        await page.goto(`${url}/demo`);
        await shot(page, '12-demo-before');
        await page.getByRole('link', { name: 'Sign in', exact: true }).click();
        await page.waitForURL(/\/interaction\//);
        await shot(page, '13-demo-sign-in');
        await fillSignIn(page, demo.email, demo.password);
        await page.waitForURL(/\/demo\/callback/);
        await shot(page, '14-demo-after');
        await page.goto(`${url}/demo/callback?code=stale&state=x`);
        await shot(page, '15-demo-error');

        await context.close();

        // second factors: My profile, an authenticator app, recovery codes, chooser, code pages
        const mfaUser = await createUser(services, { name: 'Ada Lovelace' });
        const mfa = await newContext(browser, options);
        const p2 = await mfa.newPage();
        await p2.goto(`${url}/account`);
        await fillSignIn(p2, mfaUser.email, mfaUser.password);
        await p2.waitForURL(`${url}/account`);
        await shot(p2, '17-profile-empty');
        await p2.goto(`${url}/account/add/totp`);
        await shot(p2, '18-add-totp');
        const secret = (await p2.locator('#manual-key').innerText()).replace(/\s+/g, '');
        await p2.getByLabel('6-digit code').fill(await totp(secret, 0));
        await p2.getByRole('button', { name: 'Confirm and turn on' }).click();
        await p2.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
        await shot(p2, '19-recovery-codes');
        await p2.getByRole('button', { name: 'I have saved my recovery codes' }).click();
        await p2.waitForURL(`${url}/account`);
        await shot(p2, '20-profile-with-app');
        await mfa.close();
        const fresh = await newContext(browser, options);
        const p3 = await fresh.newPage();
        await p3.goto(`${url}/demo/login`);
        await fillSignIn(p3, mfaUser.email, mfaUser.password);
        await p3.getByRole('heading', { name: 'Choose a way to confirm' }).waitFor();
        await shot(p3, '21-choose');
        await p3.getByRole('button', { name: 'Continue' }).click();
        await p3.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
        await shot(p3, '22-factor-app');
        await p3.getByLabel('6-digit code').fill('000000');
        await p3.getByRole('button', { name: 'Verify' }).click();
        await p3.getByRole('alert').waitFor();
        await shot(p3, '23-factor-wrong-code');
        await p3.getByRole('link', { name: 'Use another method' }).click();
        await p3.getByLabel('A recovery code').check();
        await p3.getByRole('button', { name: 'Continue' }).click();
        await p3.getByLabel('Recovery code').waitFor();
        await shot(p3, '24-factor-recovery');
        await fresh.close();

        // signing out with no session left, in a browser without JavaScript
        const noScript = await newContext(browser, { ...options, javaScriptEnabled: false });
        const plain = await noScript.newPage();
        await plain.goto(`${url}/session/end`);
        await shot(plain, '16-logout-no-session-no-js');
        await noScript.close();

        // the longest language: German from the browser's locale (Accept-Language: de-DE)
        const german = await newContext(browser, { ...options, locale: 'de-DE' });
        const de = await german.newPage();
        await de.goto(`${url}/account`);
        await de.getByLabel('E-Mail-Adresse', { exact: true }).fill(mfaUser.email);
        await de.getByLabel('Passwort', { exact: true }).fill('not the password');
        await Promise.all([de.waitForLoadState('load'), de.getByRole('button', { name: 'Anmelden', exact: true }).click()]);
        await de.getByRole('alert').waitFor();
        await shot(de, '30-de-sign-in-error');
        await de.getByLabel('Passwort', { exact: true }).fill(mfaUser.password);
        await Promise.all([de.waitForLoadState('load'), de.getByRole('button', { name: 'Anmelden', exact: true }).click()]);
        await de.getByRole('heading', { name: 'Bestätigungsmethode wählen' }).waitFor();
        await shot(de, '31-de-choose');
        await de.getByRole('button', { name: 'Weiter' }).click();
        await de.getByLabel('6-stelliger Code').fill('000000');
        await de.getByRole('button', { name: 'Bestätigen' }).click();
        await de.getByRole('alert').waitFor();
        await shot(de, '32-de-factor-wrong-code');
        await de.getByLabel('6-stelliger Code').fill(await totp(secret, 1));
        await de.getByRole('button', { name: 'Bestätigen' }).click();
        await de.waitForURL(`${url}/account`);
        await shot(de, '33-de-profile');
        await de.goto(`${url}/account/add/webauthn`);
        await shot(de, '34-de-add-webauthn');
        await de.goto(`${url}/session/end`);
        await shot(de, '35-de-logout-confirm');
        await german.close();
        process.stdout.write(`${dir}: done\n`);
      }
    } finally {
      await browser?.close();
      server.closeAllConnections();
      callbacks.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => callbacks.close(() => resolve()));
      await services.close();
    }
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
