// My profile, issue 5: changing the address or number of a code method (a code to the old one,
// then to the new one), turning two-step verification off with a current method, the
// organisation's policy (allowed methods, one code method, sign-out after the first method, no
// removal of the last required method), audits of preferred/renamed methods, and recent
// security activity. E-mail through a real SMTP server, SMS through a local HTTP provider.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { manualClock } from '../../src/clock.js';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import type { TwoFactorPolicy } from '../../src/organisations/policy.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/fixtures.js';
import { startSmsProvider, type SmsProvider } from '../support/sms-provider.js';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';
import { createUserAgent, type Step, type UserAgent } from '../support/user-agent.js';

const clock = manualClock(Date.now());
let app: TestApp;
let inbox: Inbox;
let sms: SmsProvider;

beforeAll(async () => {
  inbox = await startInbox();
  sms = await startSmsProvider();
  app = await startTestApp({
    clock,
    env: { SMTP_URL: inbox.url, SMS_HTTP_URL: sms.url, SMS_COUNTRIES: 'NL,DE', OUTBOX: 'false' },
  });
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
  await sms?.close();
});

type User = Awaited<ReturnType<typeof createUser>>;
const setPolicy = (user: User, policy: Partial<TwoFactorPolicy>) => app.services.organisations.savePolicy(user.organisationId, policy);
const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const smsCode = (to: string) => /^(\d{6})/.exec(sms.lastTo(to)!.text)![1]!;
const other = (code: string) => (code === '000000' ? '000001' : '000000');

async function openProfile(ua: UserAgent, user: { email: string; password: string }): Promise<Step> {
  const page = await ua.follow(`${app.url}/account`);
  return page.body.includes('name="password"') ? ua.submit(page, /\/login$/, { email: user.email, password: user.password }) : page;
}

describe('changing the address or number of a code method', () => {
  it('e-mail: a code to the old address, then the new address proven with its own code', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const factor = await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    expect((await ua.follow(`${app.url}/account`)).body).toContain(`/account/factors/${factor.id}/change`);

    const old = await ua.follow(`${app.url}/account/factors/${factor.id}/change`);
    expect(old.body).toContain('First, confirm it is still you');
    const oldCode = await inbox.nextCode(user.email);
    // the new address cannot be given before the old one is proven (a hand-made form, CSRF token included)
    const csrf = /name="csrf" value="([^"]+)"/.exec(old.body)![1]!;
    const early = await ua.follow(`${app.url}/account/factors/${factor.id}/change/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, destination: `early-${user.email}` }),
    });
    expect(early.body).toContain('First, confirm it is still you');
    expect(inbox.messages.some((m) => m.to.includes(`early-${user.email}`))).toBe(false);
    const wrong = await ua.submit(old, /\/change\/old$/, { code: other(oldCode) });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('That code is not right');
    const ask = await ua.submit(wrong, /\/change\/old$/, { code: oldCode });
    expect(ask.body).toContain('New e-mail address for codes');
    const same = await ua.submit(ask, /\/change\/new$/, { destination: user.email });
    expect(same.body).toContain('That is the address or number you use now');
    const fresh = `new-${user.email}`;
    const confirm = await ua.submit(same, /\/change\/new$/, { destination: fresh });
    expect(confirm.body).toContain('We sent a 6-digit code to');
    const done = await ua.submit(confirm, /\/change\/confirm$/, { code: await inbox.nextCode(fresh) });
    expect(done.url).toBe(`${app.url}/account`);
    expect(done.body).toContain(`E-mail codes now go to ${fresh}`);
    expect((await app.services.factors.findById(user.id, factor.id))!.destination).toBe(fresh);
    const [updated] = await app.services.audit.findRecent({ accountId: user.id, type: 'factor.updated' });
    expect(updated!.details).toMatchObject({ kind: 'email', change: 'destination', factorId: factor.id });
  });

  it('SMS: the same with text messages; the old number keeps working until the new one is proven', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const factor = await app.services.factors.save({ accountId: user.id, kind: 'sms', label: '', destination: '+31612345601' });
    const old = await ua.follow(`${app.url}/account/factors/${factor.id}/change`);
    expect(old.body).toContain('+31 •••• ••01');
    const ask = await ua.submit(old, /\/change\/old$/, { code: smsCode('+31612345601') });
    const abroad = await ua.submit(ask, /\/change\/new$/, { destination: '+32 470 12 34 56' });
    expect(abroad.body).toContain('Text messages are not available for numbers in Belgium');
    const confirm = await ua.submit(abroad, /\/change\/new$/, { destination: '+49 151 23456789' });
    expect((await app.services.factors.findById(user.id, factor.id))!.destination).toBe('+31612345601');
    await ua.submit(confirm, /\/change\/confirm$/, { code: smsCode('+4915123456789') });
    expect((await app.services.factors.findById(user.id, factor.id))!.destination).toBe('+4915123456789');
  });
});

describe('turning two-step verification off', () => {
  it('needs a code from a current method; removes every method and recovery code; audited', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    await app.services.factors.save({ accountId: user.id, kind: 'sms', label: '', destination: '+31612345602' });
    await app.services.recoveryCodes.replace(user.id, [app.services.hashRecoveryCode(user.id, 'ABCDE-FGHJK')!]);
    const profile = await ua.follow(`${app.url}/account`);
    expect(profile.body).toContain('Turn off two-step verification');
    const page = await ua.follow(`${app.url}/account/two-step/off`);
    const wrong = await ua.submit(page, /\/two-step\/off$/, { code: '123456' });
    expect(wrong.status).toBe(400);
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(2);
    const sent = await ua.submit(wrong, /\/two-step\/off\/send$/, {}); // the first "send me a code" form: e-mail
    expect(sent.body).toContain('We sent a 6-digit code to');
    const off = await ua.submit(sent, /\/two-step\/off$/, { code: await inbox.nextCode(user.email) });
    expect(off.url).toBe(`${app.url}/account`);
    expect(off.body).toContain('Two-step verification is off: all your methods and recovery codes were removed');
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(0);
    expect(await app.services.recoveryCodes.countUnused(user.id)).toBe(0);
    const [disabled] = await app.services.audit.findRecent({ accountId: user.id, type: 'twofactor.disabled' });
    expect(disabled!.details).toMatchObject({ reason: 'turned_off', removed: 2 });
  });

  it('accepts a recovery code; is refused where the organisation requires two-step verification', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    await app.services.recoveryCodes.replace(user.id, [app.services.hashRecoveryCode(user.id, 'ABCDE-FGHJK')!]);
    await setPolicy(user, { mode: 'required' });
    const profile = await ua.follow(`${app.url}/account`);
    expect(profile.body).not.toContain('/account/two-step/off');
    expect(profile.body).toContain('Your organisation requires two-step verification.');
    const refused = await ua.follow(`${app.url}/account/two-step/off`);
    expect(refused.status).toBe(403);
    // nor can the last method be removed
    const removed = await ua.submit(profile, /\/remove$/, {});
    expect(removed.body).toContain('you cannot remove your last method');
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(1);

    await setPolicy(user, { mode: 'optional' });
    const page = await ua.follow(`${app.url}/account/two-step/off`);
    await ua.submit(page, /\/two-step\/off$/, { code: 'abcde-fghjk' });
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(0);
  });
});

describe('turning two-step verification off with the authenticator app', () => {
  it('accepts a current app code, and not the same code twice', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const id = randomUUID();
    const secret = app.services.totp.newSecret();
    await app.services.factors.save({ id, accountId: user.id, kind: 'totp', label: '', secretSealed: app.services.box.seal(secret, totpSecretContext(id)) });
    const code = await generate({ secret, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' });
    await app.services.factors.advanceStep(id, Math.floor(clock.now() / 1000 / 30)); // this step was used to sign in
    const page = await ua.follow(`${app.url}/account/two-step/off`);
    const replayed = await ua.submit(page, /\/two-step\/off$/, { code });
    expect(replayed.status).toBe(400);
    clock.advance(30_000);
    const next = await generate({ secret, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' });
    const off = await ua.submit(replayed, /\/two-step\/off$/, { code: next });
    expect(off.body).toContain('Two-step verification is off');
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(0);
  });
});

describe('the organisation policy on the profile', () => {
  it('offers only allowed methods, and refuses the others at their address', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { allowedMethods: ['totp'] });
    const ua = createUserAgent();
    const profile = await openProfile(ua, user);
    expect(profile.body).toContain('/account/add/totp');
    expect(profile.body).not.toContain('/account/add/email');
    expect(profile.body).not.toContain('/account/add/webauthn');
    const refused = await ua.follow(`${app.url}/account/add/email`);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('Your organisation does not allow this method');
  });

  it('one code method at a time: adding e-mail codes replaces the text-message ones', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const sms = await app.services.factors.save({ accountId: user.id, kind: 'sms', label: '', destination: '+31612345603' });
    await setPolicy(user, { oneCodeMethod: true });
    const form = await ua.follow(`${app.url}/account/add/email`);
    expect(form.body).toContain('this replaces Text message to +31612345603');
    const confirm = await ua.submit(form, /\/account\/add\/email$/, { destination: user.email });
    await ua.submit(confirm, /\/confirm$/, { code: await inbox.nextCode(user.email) });
    const kinds = (await app.services.factors.findByAccount(user.id)).map((f) => f.kind);
    expect(kinds).toEqual(['email']);
    const [removed] = await app.services.audit.findRecent({ accountId: user.id, type: 'factor.removed' });
    expect(removed!.details).toMatchObject({ factorId: sms.id, reason: 'replaced' });
    // not the first factor: two-step verification was already on
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'twofactor.enabled' })).toHaveLength(0);
  });

  it('signs the user out after the first method, when the organisation says so', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { logoutAfterActivation: true });
    const ua = createUserAgent();
    const profile = await openProfile(ua, user);
    expect(profile.body).toContain('You will be signed out after you turn it on');
    const form = await ua.follow(`${app.url}/account/add/email`);
    const confirm = await ua.submit(form, /\/account\/add\/email$/, { destination: user.email });
    const codes = await ua.submit(confirm, /\/confirm$/, { code: await inbox.nextCode(user.email) });
    expect(codes.body).toContain('next, you are signed out and sign in again');
    const out = await ua.submit(codes, /\/account\/activated$/, {});
    expect(out.body).toContain('so you were signed out');
    expect((await ua.follow(`${app.url}/account`)).body).toContain('name="password"');
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'twofactor.enabled' })).toHaveLength(1);
  });
});

describe('sessions and activity', () => {
  it('"Sign out of other sessions" ends the other browser\'s session, not this one', async () => {
    const user = await createUser(app.services);
    const mine = createUserAgent({ headers: { 'user-agent': chrome } });
    const theirs = createUserAgent();
    const profile = await openProfile(mine, user);
    await openProfile(theirs, user);
    expect((await theirs.follow(`${app.url}/account`)).body).toContain('My profile');

    const done = await mine.submit(profile, /\/sessions\/end-others$/, {});
    expect(done.body).toContain('You were signed out of 1 other session.');
    expect((await theirs.follow(`${app.url}/account`)).body).toContain('name="password"');
    expect((await mine.follow(`${app.url}/account`)).body).toContain('Sign out of other sessions');
    const [ended] = await app.services.audit.findRecent({ accountId: user.id, type: 'sessions.ended_others' });
    expect(ended!.details).toMatchObject({ ended: 1 });
  });

  it('lists recent security activity in plain words: what, when, browser, IP address', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent({ headers: { 'user-agent': chrome } });
    await openProfile(ua, user);
    const factor = await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    const profile = await ua.follow(`${app.url}/account`);
    await ua.submit(profile, new RegExp(`/factors/${factor.id}/rename$`), { label: 'Work mail' });
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'factor.updated' })).toHaveLength(1);
    const second = await app.services.factors.save({ accountId: user.id, kind: 'sms', label: '', destination: '+31612345604' });
    await ua.submit(await ua.follow(`${app.url}/account`), new RegExp(`/factors/${second.id}/preferred$`), {});
    const [preferred] = await app.services.audit.findRecent({ accountId: user.id, type: 'factor.preferred' });
    expect(preferred!.details).toMatchObject({ factorId: second.id, kind: 'sms' });
    const page = await ua.follow(`${app.url}/account`);
    const activity = /<section aria-labelledby="activity-heading">([\s\S]*?)<\/section>/.exec(page.body)![1]!;
    expect(activity).toContain('Recent security activity');
    expect(activity).toMatch(
      /<td data-label="What">Method changed \(name\): e-mail codes<\/td><td data-label="When">[^<]+UTC<\/td><td data-label="Browser">Chrome on Linux<\/td><td data-label="IP address">[:.\w]*127\.0\.0\.1<\/td>/,
    );
    expect(activity).toContain('<td data-label="What">Signed in</td>');
  });
});

describe('sign-in enrolment by text message, and the audit of 2FA on and off', () => {
  it('a number given and proven inside the sign-in; recovery_codes.used and twofactor.disabled recorded', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { mode: 'required', allowedMethods: ['sms'] });
    const ua = createUserAgent({ headers: { 'user-agent': chrome } });
    const ask = await ua.submit(await ua.follow(`${app.url}/account`), /\/login$/, { email: user.email, password: user.password });
    expect(ask.body).toContain('Mobile number');
    const invalid = await ua.submit(ask, /\/enrol\/sms$/, { destination: 'not a number' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('This is not a mobile number we can use');
    const confirm = await ua.submit(invalid, /\/enrol\/sms$/, { destination: '+31 6 12345605' });
    expect(confirm.body).toContain('+31 •••• ••05');
    const codes = await ua.submit(confirm, /\/enrol\/code$/, { code: smsCode('+31612345605') });
    expect(codes.body).toContain('Your recovery codes');
    const recovery = /<li><code>([^<]+)<\/code>/.exec(codes.body)![1]!;
    const profile = await ua.submit(codes, /\/continue$/, {});
    expect(profile.url).toBe(`${app.url}/account`);
    expect((await app.services.factors.findByAccount(user.id)).map((f) => [f.kind, f.destination])).toEqual([['sms', '+31612345605']]);
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'twofactor.enabled' })).toHaveLength(1);

    // a recovery code at the next sign-in: audited with how many are left
    const next = createUserAgent();
    const chooser = await next.submit(await next.follow(`${app.url}/account`), /\/login$/, { email: user.email, password: user.password });
    const factorPage = await next.submit(chooser, /\/choose$/, { method: 'recovery' });
    const used = await next.submit(factorPage, /\/factor$/, { code: recovery });
    expect(used.body).toContain('9 codes are left');
    const [usedEvent] = await app.services.audit.findRecent({ accountId: user.id, type: 'recovery_codes.used' });
    expect(usedEvent!.details).toMatchObject({ remaining: 9 });
    expect(usedEvent!.ip).toBeTruthy();

    // optional again: removing the last method turns 2FA off, audited
    await setPolicy(user, { mode: 'optional' });
    const removed = await ua.submit(await ua.follow(`${app.url}/account`), /\/remove$/, {});
    expect(removed.body).toContain('Your last method was removed');
    const [off] = await app.services.audit.findRecent({ accountId: user.id, type: 'twofactor.disabled' });
    expect(off!.details).toMatchObject({ reason: 'last_factor_removed' });
    expect(off!.userAgent).toBe(chrome);
  });
});

describe('the mandatory-from date, with the clock moved (last: it moves the clock by days)', () => {
  it('invites before the date and enforces enrolment from it', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { mode: 'required', mandatoryFrom: new Date(clock.now() + 24 * 3600 * 1000) });
    const before = createUserAgent();
    const invite = await before.submit(await before.follow(`${app.url}/account`), /\/login$/, { email: user.email, password: user.password });
    expect(invite.body).toContain('Two-step verification will be required from');
    const later = await before.submit(invite, /\/policy\/invite$/, { choice: 'later' });
    expect(later.url).toBe(`${app.url}/account`);
    expect(later.body).toContain('Your organisation requires two-step verification from');

    clock.advance(2 * 24 * 3600 * 1000);
    const after = createUserAgent();
    const enrol = await after.submit(await after.follow(`${app.url}/account`), /\/login$/, { email: user.email, password: user.password });
    expect(enrol.body).toContain('Your organisation requires two-step verification. Set it up now to continue');
    expect(enrol.body).not.toContain('/policy/invite');
    // "Later" cannot be forced by hand either
    const uid = /action="\/interaction\/([^/"]+)\/enrol\/totp"/.exec(enrol.body)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(enrol.body)![1]!;
    const forced = await after.follow(`${app.url}/interaction/${uid}/policy/invite`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, choice: 'later' }),
    });
    expect(forced.url).toContain(`/interaction/${uid}`);
    expect(forced.body).toContain('Your organisation requires two-step verification. Set it up now to continue');
  });
});
