// My profile's security parts in a real browser: a new e-mail address for codes (a code to the
// old address, then to the new one, both read from a real SMTP server), two-step verification
// turned off with a code, "Sign out of other sessions" (a second browser is signed out) and the
// recent security activity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { submitPasswordForm, useBrowser } from '../support/browser.js';
import { createUser } from '../support/fixtures.js';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';

let app: TestApp;
let inbox: Inbox;
const browser = useBrowser();

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
});
afterAll(async () => {
  await inbox?.close();
  await app?.close();
});

describe('my profile: security', () => {
  it('changes the address for e-mail codes, then turns two-step verification off with a code', async () => {
    const user = await createUser(app.services);
    const page = await browser.page();
    await page.goto(`${app.url}/account/add/email`);
    await submitPasswordForm(page, user);
    await page.getByRole('button', { name: 'Send a code' }).click();
    await page.getByLabel('6-digit code').fill(await inbox.nextCode(user.email));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();

    await page.getByRole('link', { name: 'Change address' }).click();
    await page.getByText('First, confirm it is still you').waitFor();
    await page.getByLabel('6-digit code').fill(await inbox.nextCode(user.email));
    await page.getByRole('button', { name: 'Confirm' }).click();
    const fresh = `moved-${user.email}`;
    await page.getByLabel('New e-mail address for codes').fill(fresh);
    await page.getByRole('button', { name: 'Send a code' }).click();
    await page.getByLabel('6-digit code').fill(await inbox.nextCode(fresh));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(`E-mail codes now go to ${fresh}`).waitFor();

    await page.getByRole('link', { name: 'Turn off two-step verification…' }).click();
    await page.getByRole('button', { name: /Send me a code by e-mail to/ }).click();
    await page.getByText('We sent a 6-digit code to').waitFor();
    await page.getByLabel('Code or recovery code').fill(await inbox.nextCode(fresh));
    await page.getByRole('button', { name: 'Turn off two-step verification' }).click();
    await page.getByText('Two-step verification is off: all your methods and recovery codes were removed').waitFor();
    await page.getByText('Two-step verification is off: your password alone signs you in').waitFor();

    // and the activity says all of it, newest first
    const rows = (await page.locator('table.activity tbody tr td:first-child').allInnerTexts()).slice(0, 4);
    expect(rows).toEqual(['Two-step verification turned off', 'Method changed (address or number): e-mail codes', 'New recovery codes made', 'Two-step verification turned on']);
    await expect(page.locator('table.activity tbody tr').first().locator('td').nth(2).innerText()).resolves.toBe('Chrome on Linux');
  });

  it('"Sign out of other sessions" signs a second browser out and keeps this one', async () => {
    const user = await createUser(app.services);
    const mine = await browser.page();
    const theirs = await browser.page();
    for (const page of [mine, theirs]) {
      await page.goto(`${app.url}/account`);
      await submitPasswordForm(page, user);
      await page.getByRole('heading', { name: 'My profile' }).waitFor();
    }
    await mine.getByRole('button', { name: 'Sign out of other sessions' }).click();
    await mine.getByText('You were signed out of 1 other session.').waitFor();
    await theirs.reload();
    await theirs.getByLabel('Password', { exact: true }).waitFor();
    await mine.reload();
    await mine.getByRole('heading', { name: 'My profile' }).waitFor();
    await mine.getByRole('cell', { name: 'Signed out of 1 other session' }).waitFor();
  });
});
