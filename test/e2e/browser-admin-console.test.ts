// The admin console in a real browser, as an administrator uses it: sign in with the password
// and the authenticator app, register an app and see its secret once, set an organisation's
// policy with a mandatory-from date and read the enrolment progress, find a user and reset their
// two-step verification with a reason, a bulk reset after its dry run. Screenshots of the users
// list and the organisation page go to scratch/screenshots/admin/ (git-ignored).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { screenshot, submitPasswordForm, useBrowser } from '../support/browser.js';
import { createOrganisation } from '../support/fixtures.js';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';
import { consoleUser, totpCode } from '../interactions/admin/console-support.js';

const clock = manualClock(Date.now());
let app: TestApp;
let inbox: Inbox;
const browser = useBrowser();
const shots = join('scratch', 'screenshots', 'admin');

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ clock, env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
});

describe('admin console in the browser', () => {
  it('signs in with a second factor, registers an app, sets a policy, resets a user and runs a bulk reset', async () => {
    const admin = await consoleUser(app, ['admin']);
    const org = await createOrganisation(app.services);
    const alice = await consoleUser(app, [], { organisationId: org.id });
    const bob = await consoleUser(app, [], { organisationId: org.id });
    const carol = await consoleUser(app, [], { organisationId: org.id });
    await app.services.db.query('DELETE FROM factors WHERE account_id = $1', [carol.id]);

    const page = await browser.page();
    await page.goto(`${app.url}/admin`);
    await submitPasswordForm(page, admin);
    await page.getByLabel('6-digit code').fill(await totpCode(admin.totpSecret, clock));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    expect(page.url()).toBe(`${app.url}/admin`);

    // an app: its secret shown once
    await page.getByRole('link', { name: 'Apps (clients)' }).first().click();
    await page.getByRole('link', { name: 'Register an app' }).click();
    await page.getByLabel('App name').fill('Expenses');
    await page.getByLabel('Redirect URIs, one per line').fill('https://expenses.example/callback');
    await page.getByLabel('Require a second factor for every sign-in to this app').check();
    await page.getByRole('button', { name: 'Register the app' }).click();
    await page.getByRole('heading', { name: 'The app is registered' }).waitFor();
    const secret = await page.locator('#client-secret').innerText();
    expect(secret.length).toBeGreaterThan(30);
    await screenshot(page, join(shots, 'client-secret.png'));
    await page.getByRole('link', { name: 'Back to the app' }).click();
    await page.getByRole('heading', { name: 'App: Expenses' }).waitFor();
    expect(await page.content()).not.toContain(secret);

    // the organisation's policy and its enrolment progress
    // (straight to it: other test files fill the shared database, so it may be on a later page of the list)
    await page.goto(`${app.url}/admin/organisations/${org.id}`);
    await page.getByLabel(/^Required: every user needs a second factor/).check();
    await page.getByLabel('Code by text message').uncheck();
    const from = new Date(clock.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Required from').fill(from);
    await page.getByRole('button', { name: 'Save the policy' }).click();
    await page.getByText('The policy is saved.').waitFor();
    await expect(page.getByText('2 of 3 users have set up two-step verification (66%).').count()).resolves.toBe(1);
    await expect(page.getByText(/: 30 days left\.$/).count()).resolves.toBe(1);
    await expect(page.getByRole('heading', { name: '1 user has not set it up yet' }).count()).resolves.toBe(1);
    await expect(page.locator('ul.admin-pending').getByText(carol.email).count()).resolves.toBe(1);
    expect((await app.services.organisations.findById(org.id))!.policy).toMatchObject({ mode: 'required', mandatoryFrom: new Date(`${from}T00:00:00Z`) });
    await screenshot(page, join(shots, 'organisation.png'));

    // find a user, reset their two-step verification with a reason
    await page.getByRole('link', { name: 'Users', exact: true }).first().click();
    await page.getByLabel('Organisation').selectOption(org.id);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: alice.email }).waitFor();
    await expect(page.getByRole('link', { name: carol.email }).count()).resolves.toBe(1);
    await screenshot(page, join(shots, 'users.png'));
    await page.getByLabel('E-mail address or name').fill(alice.email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: alice.email }).click();
    await expect(page.getByText('Set up with 1 method:').count()).resolves.toBe(1);
    await screenshot(page, join(shots, 'user.png'));
    await page.getByLabel('Reason for the reset (kept in the audit log)').fill('new phone, ticket 1234');
    await page.getByRole('button', { name: 'Reset two-step verification' }).click();
    await page.getByText('Two-step verification is reset').waitFor();
    expect(await app.services.factors.findByAccount(alice.id)).toHaveLength(0);
    const [event] = await app.services.audit.findRecent({ accountId: alice.id, type: 'factor.reset' });
    expect(event!.details).toMatchObject({ by: 'console', admin: admin.id, reason: 'new phone, ticket 1234' });

    // bulk: the dry run lists bob only (alice has no factor now), then the real run
    await page.getByRole('link', { name: 'Bulk actions' }).first().click();
    await page.locator('#reset-organisation').selectOption(org.id);
    await page.locator('form[action="/admin/bulk/two-factor-reset"]').getByRole('button', { name: 'Show who would be affected' }).click();
    await page.getByRole('heading', { name: 'Dry run: reset two-step verification' }).waitFor();
    await expect(page.getByText('1 user would lose their second factor:').count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: bob.email }).count()).resolves.toBe(1);
    expect(await app.services.factors.findByAccount(bob.id)).toHaveLength(1);
    await screenshot(page, join(shots, 'bulk-dry-run.png'));
    await page.getByLabel('Reason for the reset (kept in the audit log)').fill('contract ended');
    await page.getByRole('button', { name: 'Reset two-step verification for 1 user' }).click();
    await page.getByRole('heading', { name: 'Two-step verification reset' }).waitFor();
    expect(await app.services.factors.findByAccount(bob.id)).toHaveLength(0);

    // the audit log shows the console's resets
    await page.getByRole('link', { name: 'Audit log' }).first().click();
    await page.getByLabel('Event type').fill('factor.reset');
    await page.getByLabel('Organisation').selectOption(org.id); // other test files share the database
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.locator('table.admin-table tbody tr').count()).resolves.toBe(2);
    await screenshot(page, join(shots, 'audit.png'));
  }, 120_000); // one long walk through the console in a real browser

  it('fits a phone: the users list stacks', async () => {
    const admin = await consoleUser(app, ['admin']);
    const page = await browser.page({ viewport: { width: 390, height: 844 } });
    await page.goto(`${app.url}/admin/users`);
    await submitPasswordForm(page, admin);
    await page.getByLabel('6-digit code').fill(await totpCode(admin.totpSecret, clock));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(page, join(shots, 'users-phone.png'));
  });

  it('fits a narrow phone in German: the organisation page does not scroll sideways', async () => {
    const admin = await consoleUser(app, ['admin']);
    const org = await createOrganisation(app.services);
    const page = await browser.page({ locale: 'de-DE', viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
    await page.goto(`${app.url}/admin/organisations/${org.id}`);
    await page.getByLabel('E-Mail-Adresse').fill(admin.email);
    await page.getByLabel('Passwort', { exact: true }).fill(admin.password);
    await page.locator('button[type=submit]').first().click();
    await page.locator('input[name=code]').fill(await totpCode(admin.totpSecret, clock));
    await page.locator('button[type=submit].primary').first().click();
    await page.getByRole('heading', { name: 'Fortschritt der Einrichtung' }).waitFor();
    const sideways = await page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');
    expect(sideways).toBe(false);
    await screenshot(page, join(shots, 'organisation-de-phone.png'));
  });
});
