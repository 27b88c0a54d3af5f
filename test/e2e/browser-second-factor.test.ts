// Second factors in a real browser: set up an authenticator app from the profile (reading the
// key off the page, as a person types it into their app), then sign in to the demo app with it
// through the method chooser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { useBrowser } from '../support/browser.js';
import { throwawayDatabase, type ThrowawayDatabase } from '../support/storage-postgres.js';

let app: TestApp;
let db: ThrowawayDatabase;
const browser = useBrowser();

// the demo account is one fixed account: this file changes it, so it gets a database of its own
beforeAll(async () => {
  db = await throwawayDatabase({ migrated: true });
  app = await startTestApp({ demo: true, env: { DATABASE_URL: db.url } });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const code = (secret: string, epoch = Math.floor(Date.now() / 1000)) => generate({ secret, epoch, period: 30, digits: 6, algorithm: 'sha1' });

describe('authenticator app in the browser', () => {
  it('is set up from My profile and then asked for at sign-in; the app sees pwd + otp + mfa', async () => {
    const demo = app.demo!;
    const page = await browser.page();
    await page.goto(`${app.url}/demo/login`);
    await page.getByLabel('E-mail address').fill(demo.email);
    await page.getByLabel('Password', { exact: true }).fill(demo.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${app.url}/demo/callback?**`);

    await page.getByRole('link', { name: 'Set up two-step verification in My profile' }).click();
    await page.waitForURL(`${app.url}/account`);
    await expect(page.getByText('Two-step verification is off').count()).resolves.toBe(1);
    await page.getByRole('link', { name: /Authenticator app/ }).click();
    await page.waitForURL(`${app.url}/account/add/totp`);
    await expect(page.getByRole('img', { name: 'QR code for your authenticator app' }).isVisible()).resolves.toBe(true);
    const secret = (await page.locator('#manual-key').innerText()).replace(/\s+/g, '');
    await page.getByLabel('6-digit code').fill(await code(secret));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    await expect(page.locator('#recovery-codes li').count()).resolves.toBe(10);
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.waitForURL(`${app.url}/account`);
    await expect(page.getByText('You have 10 unused recovery codes.').count()).resolves.toBe(1);

    // a new browser (no session): password, then the chooser with the app preselected, then the code
    const fresh = await browser.page();
    await fresh.goto(`${app.url}/demo/login`);
    await fresh.getByLabel('E-mail address').fill(demo.email);
    await fresh.getByLabel('Password', { exact: true }).fill(demo.password);
    await fresh.getByRole('button', { name: 'Sign in', exact: true }).click();
    await fresh.getByRole('heading', { name: 'Choose a way to confirm' }).waitFor();
    await expect(fresh.getByLabel(/Code from your authenticator app/).isChecked()).resolves.toBe(true);
    await fresh.getByRole('button', { name: 'Continue' }).click();
    await fresh.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    // the enrolment used the current time step: the next one signs in
    await fresh.getByLabel('6-digit code').fill(await code(secret, Math.floor(Date.now() / 1000) + 30));
    await fresh.getByRole('button', { name: 'Verify' }).click();
    await fresh.waitForURL(`${app.url}/demo/callback?**`);
    const claims = JSON.parse(await fresh.locator('#claims').innerText()) as Record<string, unknown>;
    expect(claims).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa' });
  });
});
