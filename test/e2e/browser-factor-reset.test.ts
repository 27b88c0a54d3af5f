// "Reset two-factor authentication" in a real browser, from the second-factor page: the link
// arrives at a real SMTP server, the password is asked again, every factor and recovery code
// goes, every session (another browser's too) ends, and the organisation that requires 2FA has
// the user set up a new method before the sign-in finishes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startCallbackServer, submitPasswordForm, useBrowser } from '../support/browser.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, type oidc } from '../support/relying-party.js';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';

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
  client = await createClient(app.services, { redirectUri: `${callbacks.url}/callback`, metadata: { require_mfa: true } });
  rp = await discover(app.url, client);
});
afterAll(async () => {
  await callbacks?.close();
  await inbox?.close();
  await app?.close();
});

describe('reset a lost second factor in the browser', () => {
  it('from the second-factor page: link by e-mail, password again, factors gone, sessions ended, a new method before the sign-in finishes', async () => {
    const user = await createUser(app.services);
    // signed in on another device before the factor was set up
    const other = await browser.page();
    await other.goto(`${app.url}/account`);
    await submitPasswordForm(other, user);
    await other.getByRole('heading', { name: 'My profile' }).waitFor();
    const id = randomUUID();
    await app.services.factors.save({ id, accountId: user.id, kind: 'totp', label: '', secretSealed: app.services.box.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', totpSecretContext(id)) });
    await app.services.recoveryCodes.replace(user.id, ['x'.repeat(20)]);

    const page = await browser.page();
    await page.goto((await authorizationRequest(rp, client)).url.href);
    await submitPasswordForm(page, user);
    await page.getByRole('heading', { name: 'Choose a way to confirm' }).waitFor();
    await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
    await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor();
    await expect(page.getByText('We sent a link to u•••@example.com. It works once, for 1 hour.').isVisible()).resolves.toBe(true);
    await page.getByText('No e-mail?').click();
    await expect(page.getByText(/allow mail from no-reply@localhost/).isVisible()).resolves.toBe(true);

    const mail = await inbox.next(user.email);
    expect(mail.subject).toBe('Reset two-step verification for Twofold');
    expect(mail.html).toContain('Reset two-step verification');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/recovery\/link\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')![1]!;
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'factor.reset_requested' })).toHaveLength(1);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Reset two-step verification' }).waitFor();
    await page.getByLabel('Your password').fill('not my password');
    await page.getByRole('button', { name: 'Reset two-step verification' }).click();
    await page.getByText('The password is not correct.').waitFor();
    await page.getByLabel('Your password').fill(user.password);
    await page.getByRole('button', { name: 'Reset two-step verification' }).click();
    await page.getByRole('heading', { name: 'Two-step verification was reset' }).waitFor();

    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(0);
    expect(await app.services.recoveryCodes.countUnused(user.id)).toBe(0);
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'factor.reset' })).toHaveLength(1);
    const notice = await inbox.next(user.email);
    expect(notice.subject).toBe('Two-step verification of your Twofold account was reset');
    expect(notice.text).toContain("This wasn't me:");

    // the other browser's session is gone
    await other.goto(`${app.url}/account`);
    await expect(other.getByLabel('Password', { exact: true }).isVisible()).resolves.toBe(true);

    // the link works once
    const again = await browser.page();
    await again.goto(link);
    await again.getByRole('heading', { name: 'This link was already used' }).waitFor();

    // back to the sign-in: this app requires a second step, so a new one is set up first
    await page.getByRole('link', { name: 'Continue signing in' }).click();
    await page.getByRole('heading', { name: 'Set up an authenticator app' }).waitFor();
  });
});
