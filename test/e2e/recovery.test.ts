import { randomBytes } from 'node:crypto';
// Account recovery end to end with the cookie-jar user agent: e-mails read from a real SMTP
// server in the test, links single-use and expiring (the clock is injected), sessions ended.
import { randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { generateRecoveryCodes } from '../../src/factors/recovery-codes/recovery-codes.js';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import { eventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, type oidc, submitPassword } from '../support/relying-party.js';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';
import { createRememberedDevicesRepo } from '../../src/storage/postgres/remembered-devices.js';
import { createUserAgent, type Step, type UserAgent } from '../support/user-agent.js';

const clock = manualClock(Date.now());
const chromeOnLinux = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let app: TestApp;
let inbox: Inbox;
let client: TestClient;
let rp: oidc.Configuration;

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ clock, env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
  client = await createClient(app.services);
  rp = await discover(app.url, client);
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
});

const linksIn = (mail: ParsedMail): string[] => [...(mail.text ?? '').matchAll(/(http:\/\/127\.0\.0\.1:\d+\/recovery\/link\/[A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);

async function withTotp(user: { id: string }) {
  const id = randomUUID();
  return app.services.factors.save({ id, accountId: user.id, kind: 'totp', label: '', secretSealed: app.services.box.seal(secret, totpSecretContext(id)) });
}

/** authorize → password → the page after it */
async function signInPage(ua: UserAgent, user: { email: string; password: string }): Promise<Step> {
  const request = await authorizationRequest(rp, client, { prompt: 'login' });
  const page = await ua.follow(request.url.href, {}, client.redirectUri);
  return submitPassword(ua, page, user.email, user.password, client.redirectUri);
}

async function openProfile(ua: UserAgent, user: { email: string; password: string }, path = '/account'): Promise<Step> {
  const page = await ua.follow(`${app.url}${path}`);
  if (page.body.includes('name="password"') && page.body.includes('/login"')) return ua.submit(page, /\/login$/, { email: user.email, password: user.password });
  return page;
}

const signedIn = async (ua: UserAgent) => !(await ua.follow(`${app.url}/account`)).body.includes('/login"');

describe('forgot password', () => {
  it('answers the same for any address; the link is single-use; the second factor is still asked afterwards', async () => {
    const user = await createUser(app.services);
    const elsewhere = createUserAgent();
    await openProfile(elsewhere, user);
    expect(await signedIn(elsewhere)).toBe(true);
    await withTotp(user);

    const ua = createUserAgent({ headers: { 'user-agent': chromeOnLinux } });
    const request = await authorizationRequest(rp, client);
    const login = await ua.follow(request.url.href, {}, client.redirectUri);
    const href = /href="(\/recovery\/forgot\?return=[^"]+)"[^>]*>Forgot your password\?/.exec(login.body)![1]!;
    const forgot = await ua.follow(new URL(href.replace(/&amp;/g, '&'), app.url).href);
    expect(forgot.body).toContain('<label for="email">E-mail address</label>');

    const unknown = await ua.submit(forgot, /\/recovery\/forgot/, { email: 'nobody-here@example.com' });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toContain('If an account exists for nobody-here@example.com, we sent a link to it.');
    const known = await ua.submit(forgot, /\/recovery\/forgot/, { email: user.email });
    expect(known.body).toContain(`If an account exists for ${user.email}, we sent a link to it.`);

    const mail = await inbox.next(user.email);
    expect(mail.subject).toBe('Choose a new password for Twofold');
    expect(mail.text).toContain('Chrome on Linux');
    expect(mail.html).toContain('Choose a new password');
    const [link] = linksIn(mail);
    expect(link).toBeDefined();
    // recorded in the background after the e-mail is sent
    const requested = () => app.services.audit.findRecent({ accountId: user.id, type: 'password.reset_requested' });
    expect(await eventually(requested, (events) => events.length > 0)).toHaveLength(1);

    // another browser opens the link (the mail program's)
    const mailer = createUserAgent();
    const form = await mailer.follow(link!);
    expect(form.body).toContain('Choose a new password for u');
    const weak = await mailer.submit(form, /\/recovery\/link\//, { password: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('too common');
    const done = await mailer.submit(weak, /\/recovery\/link\//, { password: 'a brand new passphrase 7' });
    expect(done.body).toContain('Your password was changed');
    expect(done.body).toMatch(/href="\/interaction\/[^"]+">Continue signing in/);
    const notice = await inbox.next(user.email);
    expect(notice.subject).toBe('The password of your Twofold account was changed');
    expect(notice.text).toContain('changed with a reset link');

    // single use
    const again = await mailer.follow(link!);
    expect(again.status).toBe(410);
    expect(again.body).toContain('This link was already used');
    expect(again.body).toContain('Forgot your password?');

    // the old password no longer works; the new one leads to the second factor, not past it
    const back = await ua.follow(`${app.url}${/href="(\/interaction\/[^"]+)"/.exec(done.body)![1]}`, {}, client.redirectUri);
    const old = await submitPassword(ua, back, user.email, user.password, client.redirectUri);
    expect(old.status).toBe(401);
    const next = await submitPassword(ua, old, user.email, 'a brand new passphrase 7', client.redirectUri);
    expect(next.status).toBe(200);
    expect(next.body).toContain('Confirm it is you');
    expect(next.body).toContain('Reset two-factor authentication');
    expect(await signedIn(elsewhere)).toBe(false);
  });

  it('a link stops working after 30 minutes and the page says what to do', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    const forgot = await ua.follow(`${app.url}/recovery/forgot`);
    await ua.submit(forgot, /\/recovery\/forgot/, { email: user.email });
    const [link] = linksIn(await inbox.next(user.email));
    clock.advance(29 * 60_000);
    expect((await ua.follow(link!)).status).toBe(200);
    clock.advance(2 * 60_000);
    const expired = await ua.follow(link!);
    expect(expired.status).toBe(410);
    expect(expired.body).toContain('This link has expired');
    const unknown = await ua.follow(`${app.url}/recovery/link/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('This link does not work');
  });
});

describe('bad input on the recovery pages', () => {
  it('gets a page that says what to do, never a 500', async () => {
    const ua = createUserAgent();
    const evil = await ua.follow(`${app.url}/recovery/forgot?return=${encodeURIComponent('https://evil.example/x')}`);
    expect(evil.status).toBe(200);
    expect(evil.body).not.toContain('evil.example');
    const bad = await ua.submit(evil, /\/recovery\/forgot/, { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Enter an e-mail address such as name@example.com.');
    const long = await ua.submit(evil, /\/recovery\/forgot/, { email: `${'a'.repeat(300)}@example.com` });
    expect(long.status).toBe(400);
    const nul = await ua.submit(evil, /\/recovery\/forgot/, { email: 'a\u0000b@example.com' });
    expect(nul.status).toBeLessThan(500);
    for (const token of ['short', 'A'.repeat(43), `${'A'.repeat(42)}%00`]) {
      const page = await ua.follow(`${app.url}/recovery/link/${token}`);
      expect(page.status).toBe(404);
      expect(page.body).toContain('This link does not work');
    }
    const forged = await ua.request(`${app.url}/recovery/forgot`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%40example.com' });
    expect(forged.status).toBe(403);
  });
});

describe('security e-mails', () => {
  it('say what, when, from which browser and IP; "This wasn\'t me" ends every session once', async () => {
    const user = await createUser(app.services);
    const devices = createRememberedDevicesRepo(app.services.db);
    await devices.save({ accountId: user.id, tokenHash: randomBytes(32).toString('base64url'), browser: 'Chrome', os: 'Linux', ip: '127.0.0.1', expiresAt: new Date(clock.now() + 86_400_000) });
    const ua = createUserAgent({ headers: { 'user-agent': chromeOnLinux } });
    const other = createUserAgent();
    await openProfile(ua, user);
    await openProfile(other, user);
    expect((await app.services.accounts.findById(user.id))!.locale).toBe('en');

    // adding the first method: "two-step verification is now on"
    const setup = await ua.follow(`${app.url}/account/add/totp`);
    const key = /<code id="manual-key"[^>]*>([A-Z2-7 ]+)<\/code>/.exec(setup.body)![1]!.replace(/ /g, '');
    await ua.submit(setup, /\/account\/add\/totp$/, { code: await generate({ secret: key, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' }) });
    const mail = await inbox.next(user.email);
    expect(mail.subject).toBe('Two-step verification is now on for your Twofold account');
    expect(mail.text).toContain('Added to your two-step verification: an authenticator app.');
    const when = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(clock.now()));
    expect(mail.text).toContain(`When: ${when} UTC`);
    expect(mail.text).toContain('Browser: Chrome on Linux');
    expect(mail.text).toContain('IP address: 127.0.0.1');
    expect(mail.html).toContain('This wasn&#39;t me');
    expect(mail.html).toContain('Chrome on Linux');
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'twofactor.enabled' })).toHaveLength(1);
    const [notMe] = linksIn(mail);

    const stranger = createUserAgent();
    const confirm = await stranger.follow(notMe!);
    expect(confirm.body).toContain('Secure your account');
    expect(await signedIn(ua)).toBe(true); // a GET does nothing
    const forged = await stranger.request(notMe!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(forged.status).toBe(403);
    const done = await stranger.submit(confirm, /\/recovery\/link\//, {});
    expect(done.body).toContain('You are signed out everywhere');
    expect(await signedIn(ua)).toBe(false);
    expect(await signedIn(other)).toBe(false);
    expect(await devices.listLive(user.id, new Date(clock.now()))).toEqual([]);
    expect((await app.services.audit.findRecent({ accountId: user.id, type: 'device.forgotten' }))[0]!.details).toMatchObject({ reason: 'not_me', count: 1 });
    expect((await app.services.audit.findRecent({ accountId: user.id, type: 'account.signed_out_everywhere' }))[0]!.details).toEqual({ reason: 'not_me' });
    expect((await stranger.follow(notMe!)).body).toContain('This link was already used');
  });

  it('a recovery code used at sign-in: the e-mail says how many are left', async () => {
    const user = await createUser(app.services);
    await withTotp(user);
    const codes = generateRecoveryCodes().slice(0, 2);
    await app.services.recoveryCodes.replace(
      user.id,
      codes.map((c) => app.services.hashRecoveryCode(user.id, c)!),
    );
    const ua = createUserAgent({ headers: { 'user-agent': chromeOnLinux } });
    const chooser = await signInPage(ua, user);
    const page = await ua.submit(chooser, /\/choose$/, { method: 'recovery' });
    const used = await ua.submit(page, /\/factor$/, { code: codes[0]! }, client.redirectUri);
    expect(used.body).toContain('1 code is left');
    const mail = await inbox.next(user.email, /recovery code was used/);
    expect(mail.text).toContain('A recovery code was used to sign in to your account. 1 code is left.');
    expect(mail.text).toContain('Browser: Chrome on Linux');
  });

  it('one e-mail when another area records twofactor.enabled beside factor.enrolled; none for notified events', async () => {
    const user = await createUser(app.services);
    await withTotp(user);
    const before = inbox.messages.length;
    await app.services.audit.record({ type: 'factor.enrolled', accountId: user.id, details: { kind: 'totp' } });
    await app.services.audit.record({ type: 'twofactor.enabled', accountId: user.id, details: { kind: 'totp' } });
    await app.services.audit.record({ type: 'factor.reset_requested', accountId: user.id, details: { notified: true } });
    await app.services.audit.record({ type: 'password.changed', accountId: randomUUID() });
    await app.services.securityEmails.settle();
    const mine = inbox.messages.slice(before).filter((m) => m.to.includes(user.email.toLowerCase()));
    expect(mine.map((m) => m.mail.subject)).toEqual(['Two-step verification is now on for your Twofold account']);
  });

  it('removing the last method says two-step verification is off', async () => {
    const user = await createUser(app.services);
    await app.services.audit.record({ type: 'factor.removed', accountId: user.id, ip: '203.0.113.9', details: { kind: 'sms', remaining: 0 } });
    const mail = await inbox.next(user.email);
    expect(mail.subject).toBe('Two-step verification was turned off for your Twofold account');
    expect(mail.text).toContain('IP address: 203.0.113.9');
    // the flow that removed it records twofactor.disabled itself (enrol/policy.ts): that one sends no second e-mail
    await app.services.audit.record({ type: 'twofactor.disabled', accountId: user.id, details: { reason: 'removed' } });
    await app.services.audit.record({ type: 'password.changed', accountId: user.id, details: { via: 'profile' } });
    expect((await inbox.next(user.email)).subject).toMatch(/password/i);
  });

  it('a sending failure does not fail the action', async () => {
    const user = await createUser(app.services);
    const broken = await startTestApp({ clock, env: { SMTP_URL: 'smtp://127.0.0.1:1', OUTBOX: 'false' } });
    try {
      await broken.services.audit.record({ type: 'password.changed', accountId: user.id, details: { via: 'profile' } });
      await broken.services.securityEmails.settle();
      expect(await broken.services.audit.findRecent({ accountId: user.id, type: 'password.changed' })).toHaveLength(1);
    } finally {
      await broken.close();
    }
  });
});

describe('change password in My profile', () => {
  it('needs the current password, keeps this session and ends the others', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    const other = createUserAgent();
    const profile = await openProfile(ua, user);
    await openProfile(other, user);
    expect(profile.body).toContain('href="/account/password"');
    const form = await ua.follow(`${app.url}/account/password`);
    expect(form.body).toContain('<label for="current">Current password</label>');
    const wrong = await ua.submit(form, /\/account\/password$/, { current: 'not it at all', password: 'another fine passphrase' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Your current password is not correct.');
    const short = await ua.submit(form, /\/account\/password$/, { current: user.password, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body).toContain('too short');
    const done = await ua.submit(form, /\/account\/password$/, { current: user.password, password: 'another fine passphrase' });
    expect(done.url).toBe(`${app.url}/account`);
    expect(done.body).toContain('Your password was changed. Every other session was signed out.');
    expect(await signedIn(ua)).toBe(true);
    expect(await signedIn(other)).toBe(false);
    const mail = await inbox.next(user.email);
    expect(mail.subject).toBe('The password of your Twofold account was changed');
    expect(await app.services.hasher.verify((await app.services.accounts.findById(user.id))!.passwordHash, 'another fine passphrase')).toBe(true);
  });
});

describe('e-mail confirmation', () => {
  it('an unconfirmed address is confirmed from the profile with a single-use link', async () => {
    const base = await createUser(app.services);
    const email = `unconfirmed-${randomUUID().slice(0, 8)}@example.com`;
    const account = (await app.services.accounts.save({ organisationId: base.organisationId, email, name: 'U', emailVerified: false, passwordHash: await app.services.hasher.hash(base.password) }))!;
    const ua = createUserAgent();
    const profile = await openProfile(ua, { email, password: base.password });
    expect(profile.body).toContain('Your e-mail address is not confirmed');
    const sent = await ua.submit(profile, /\/account\/confirm-email$/, {});
    expect(sent.body).toContain(`We sent a confirmation link to ${email}`);
    const mail = await inbox.next(email);
    expect(mail.subject).toBe('Confirm your e-mail address for Twofold');
    const [link] = linksIn(mail);
    const page = await ua.follow(link!);
    expect(page.body).toContain(`Confirm that ${email} is your e-mail address.`);
    expect((await app.services.accounts.findById(account.id))!.emailVerified).toBe(false);
    const done = await ua.submit(page, /\/recovery\/link\//, {});
    expect(done.body).toContain('Your e-mail address is confirmed');
    expect((await app.services.accounts.findById(account.id))!.emailVerified).toBe(true);
    expect(await app.services.audit.findRecent({ accountId: account.id, type: 'email.confirmation_sent' })).toHaveLength(1);
    expect(await app.services.audit.findRecent({ accountId: account.id, type: 'email.confirmed' })).toHaveLength(1);
    expect((await ua.follow(`${app.url}/account`)).body).not.toContain('Your e-mail address is not confirmed');
    expect((await ua.follow(link!)).status).toBe(410);
  });

  it('without a confirmed address, the 2FA reset says to contact the administrator', async () => {
    const base = await createUser(app.services);
    const email = `noreset-${randomUUID().slice(0, 8)}@example.com`;
    const account = (await app.services.accounts.save({ organisationId: base.organisationId, email, name: 'U', emailVerified: false, passwordHash: await app.services.hasher.hash(base.password) }))!;
    await withTotp(account);
    const ua = createUserAgent();
    const factor = await signInPage(ua, { email, password: base.password });
    const page = await ua.submit(factor, /\/reset-2fa$/, {});
    expect(page.body).toContain('no confirmed e-mail address');
    expect(page.body).toContain('Contact your administrator');
  });
});

describe('reset with a cool-off period', () => {
  it('is scheduled, can be cancelled from the notice e-mail, and otherwise takes effect at the next sign-in', async () => {
    const user = await createUser(app.services);
    await app.services.organisations.savePolicy(user.organisationId, { resetCooloffSeconds: 3600 });
    await withTotp(user);
    const ua = createUserAgent();

    async function schedule() {
      const factor = await signInPage(ua, user);
      const sent = await ua.submit(factor, /\/reset-2fa$/, {});
      expect(sent.body).toContain('We sent a link to u•••@example.com. It works once, for 1 hour.');
      const [link] = linksIn(await inbox.next(user.email));
      const form = await ua.follow(link!);
      expect(form.body).toContain('your organisation waits 1 hour');
      const wrong = await ua.submit(form, /\/recovery\/link\//, { password: 'wrong password' });
      expect(wrong.status).toBe(401);
      const scheduled = await ua.submit(form, /\/recovery\/link\//, { password: user.password });
      expect(scheduled.body).toContain('The reset of your two-step verification takes effect on');
      const notice = await inbox.next(user.email);
      expect(notice.subject).toBe('Your Twofold two-step verification will be reset');
      return linksIn(notice)[0]!;
    }

    const cancel = await schedule();
    const page = await ua.follow(cancel);
    expect(page.body).toContain('Cancel the reset?');
    const cancelled = await ua.submit(page, /\/recovery\/link\//, {});
    expect(cancelled.body).toContain('The reset is cancelled');
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(1);
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'factor.reset_cancelled' })).toHaveLength(1);

    const cancelLater = await schedule();
    const profile = createUserAgent();
    const chooser = await openProfile(profile, user);
    const factorPage = chooser.body.includes('/choose"') ? await profile.submit(chooser, /\/choose$/, {}) : chooser;
    const shown = await profile.submit(factorPage, /\/factor$/, { code: await generate({ secret, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' }) });
    expect(shown.body).toContain('A reset of your two-step verification is scheduled: it takes effect on');
    clock.advance(30 * 60_000);
    expect((await signInPage(createUserAgent(), user)).body).toContain('Confirm it is you');
    clock.advance(31 * 60_000);
    const after = await signInPage(createUserAgent(), user);
    expect(after.location?.startsWith(client.redirectUri)).toBe(true);
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(0);
    expect((await app.services.audit.findRecent({ accountId: user.id, type: 'factor.reset' }))[0]!.details).toMatchObject({ scheduled: true });
    expect((await inbox.next(user.email)).subject).toBe('Two-step verification of your Twofold account was reset');
    const late = await createUserAgent().follow(cancelLater);
    expect(late.body).toContain('The reset already took effect');
  });
});
