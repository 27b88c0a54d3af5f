// E-mail codes and recovery codes in a real browser: the e-mail arrives at a real SMTP server
// in the test and is read from there; wrong codes count down and end the sign-in at 7.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startCallbackServer, submitPasswordForm, useBrowser } from '../support/browser.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, type oidc } from '../support/relying-party.js';
import { codeIn, startInbox, type Inbox } from '../support/smtp-inbox.js';

let app: TestApp;
let inbox: Inbox;
let callbacks: Awaited<ReturnType<typeof startCallbackServer>>;
let client: TestClient;
let rp: oidc.Configuration;
const browser = useBrowser();

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
  callbacks = await startCallbackServer();
  client = await createClient(app.services, { redirectUri: `${callbacks.url}/callback` });
  rp = await discover(app.url, client);
});
afterAll(async () => {
  await callbacks?.close();
  await inbox?.close();
  await app?.close();
});

describe('codes in the browser', () => {
  it('e-mail codes: confirmed in My profile, then used to sign in; a recovery code works once', async () => {
    const user = await createUser(app.services);
    const page = await browser.page();
    await page.goto(`${app.url}/account/add/email`);
    await submitPasswordForm(page, user);
    await page.getByLabel('E-mail address for codes').waitFor();
    await page.getByRole('button', { name: 'Send a code' }).click();
    await page.getByLabel('6-digit code').fill(codeIn(await inbox.next(user.email, /sign-in code/)));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    const recovery = (await page.locator('#recovery-codes li').allInnerTexts()).map((c) => c.trim());
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();

    // sign in with the e-mail code
    const request = await authorizationRequest(rp, client, { prompt: 'login' });
    await page.goto(request.url.href);
    await submitPasswordForm(page, user);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(/We sent a 6-digit code to/).waitFor();
    await page.getByText('No e-mail?').click();
    await expect(page.getByText(/allow mail from no-reply@localhost/).isVisible()).resolves.toBe(true);
    await page.getByLabel('6-digit code').fill(codeIn(await inbox.next(user.email, /sign-in code/)));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((url) => url.href.startsWith(client.redirectUri));
    expect((await exchange(rp, request, page.url())).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });

    // and with a recovery code, through "Use another method"
    const next = await authorizationRequest(rp, client, { prompt: 'login' });
    await page.goto(next.url.href);
    await submitPasswordForm(page, user);
    await page.getByLabel('A recovery code').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Recovery code').fill(recovery[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('9 codes are left').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.href.startsWith(client.redirectUri));
  });

  it('seven wrong codes end the sign-in and the password page says why', async () => {
    const user = await createUser(app.services);
    await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    const page = await browser.page();
    await page.goto((await authorizationRequest(rp, client)).url.href);
    await submitPasswordForm(page, user);
    const sent = codeIn(await inbox.next(user.email, /sign-in code/));
    const wrong = sent === '000000' ? '111111' : '000000';
    for (let left = 6; left >= 1; left--) {
      await page.getByLabel('6-digit code').fill(wrong);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByText(`${left} attempt${left === 1 ? '' : 's'} left.`).waitFor();
    }
    await page.getByLabel('6-digit code').fill(wrong);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('You entered a wrong code too many times').waitFor();
    await expect(page.getByLabel('Password', { exact: true }).isVisible()).resolves.toBe(true);
  });
});
