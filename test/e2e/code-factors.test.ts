// E-mail and SMS codes end to end: added from the profile (confirmed with a code sent there),
// then used to sign in. E-mail goes through a real SMTP server in the test, SMS through a local
// HTTP provider; the clock of the codes is injected (90-second lifetime, no sleeping).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, type oidc, submitPassword } from '../support/relying-party.js';
import { startSmsProvider, type SmsProvider } from '../support/sms-provider.js';
import { codeIn, startInbox, type Inbox } from '../support/smtp-inbox.js';
import { createUserAgent, type Step, type UserAgent } from '../support/user-agent.js';

const clock = manualClock(Date.now());
let app: TestApp;
let inbox: Inbox;
let sms: SmsProvider;
let client: TestClient;
let rp: oidc.Configuration;

beforeAll(async () => {
  inbox = await startInbox();
  sms = await startSmsProvider();
  app = await startTestApp({
    clock,
    env: {
      SMTP_URL: inbox.url,
      MAIL_FROM: 'Twofold <no-reply@twofold.test>',
      SMS_HTTP_URL: sms.url,
      SMS_COUNTRIES: 'NL,DE',
      OUTBOX: 'false',
    },
  });
  client = await createClient(app.services);
  rp = await discover(app.url, client);
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
  await sms?.close();
});

async function profile(ua: UserAgent, user: { email: string; password: string }) {
  const page = await ua.follow(`${app.url}/account`);
  return ua.submit(page, /\/login$/, { email: user.email, password: user.password });
}

const lastText = (to: string) => sms.lastTo(to)!;

async function signInToChooser(user: { email: string; password: string }) {
  const ua = createUserAgent();
  const request = await authorizationRequest(rp, client);
  const page = await ua.follow(request.url.href, {}, client.redirectUri);
  const next = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
  return { ua, request, next };
}

describe('e-mail codes', () => {
  it('are confirmed from the profile, then sign the user in; amr says otp', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await profile(ua, user);
    const form = await ua.follow(`${app.url}/account/add/email`);
    expect(form.body).toContain(`value="${user.email}"`);
    const confirm = await ua.submit(form, /\/account\/add\/email$/, { destination: user.email });
    const mail = await inbox.next(user.email, /sign-in code/);
    expect(mail.from?.text).toContain('no-reply@twofold.test');
    expect(mail.subject).not.toMatch(/\d{6}/);
    const wrong = await ua.submit(confirm, /\/confirm$/, { code: codeIn(mail) === '000000' ? '000001' : '000000' });
    expect(wrong.status).toBe(400);
    const codes = await ua.submit(wrong, /\/confirm$/, { code: codeIn(mail) });
    expect(codes.body).toContain('Your recovery codes');

    const { ua: browser, request, next } = await signInToChooser(user);
    const factorPage = await browser.submit(next, /\/choose$/, {});
    expect(factorPage.body).toMatch(/We sent a 6-digit code to \w•••@example\.com\. It is valid for 90 seconds\./);
    expect(factorPage.body).toContain('no-reply@twofold.test'); // greylisting advice names the sender
    const signInMail = await inbox.next(user.email, /sign-in code/);
    const done = await browser.submit(factorPage, /\/factor$/, { code: codeIn(signInMail) }, client.redirectUri);
    const claims = (await exchange(rp, request, done.location!)).claims()!;
    expect(claims).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa' });
  });

  it('lives as long as the organisation says, and the page and the e-mail say so', async () => {
    const user = await createUser(app.services);
    await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    await app.services.organisations.savePolicy(user.organisationId, { codeTtlSeconds: 300 });
    const { ua, next } = await signInToChooser(user);
    expect(next.body).toMatch(/It is valid for 300 seconds\./);
    const mail = await inbox.next(user.email, /sign-in code/);
    expect(mail.text).toContain('5 minutes');
    clock.advance(200_000);
    const done = await ua.submit(next, /\/factor$/, { code: codeIn(mail) }, client.redirectUri);
    expect(done.location?.startsWith(client.redirectUri)).toBe(true);
  });

  it('refuses an expired code, resends after the cooldown, and a new code does not reset the wrong-code count', async () => {
    const user = await createUser(app.services);
    await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    const { ua, next } = await signInToChooser(user);
    expect(next.body).toContain('We sent a 6-digit code');
    const first = codeIn(await inbox.next(user.email, /sign-in code/));

    const wrongOnce = await ua.submit(next, /\/factor$/, { code: first === '123456' ? '654321' : '123456' }, client.redirectUri);
    expect(wrongOnce.body).toContain('6 attempts left');
    const tooSoon = await ua.submit(wrongOnce, /\/factor\/resend$/, {});
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body).toMatch(/You can ask for a new code in \d+ seconds?\./);

    clock.advance(91_000);
    const expired = await ua.submit(tooSoon, /\/factor$/, { code: first }, client.redirectUri);
    expect(expired.body).toContain('That code has expired');
    const resent = await ua.submit(expired, /\/factor\/resend$/, {});
    expect(resent.body).toContain('We sent a new code');
    const second = codeIn(await inbox.next(user.email, /sign-in code/));
    const wrongAgain = await ua.submit(resent, /\/factor$/, { code: second === '123456' ? '654321' : '123456' }, client.redirectUri);
    expect(wrongAgain.body).toContain('5 attempts left');
    const done = await ua.submit(wrongAgain, /\/factor$/, { code: second }, client.redirectUri);
    expect(done.location?.startsWith(client.redirectUri)).toBe(true);
  });
});

describe('SMS codes', () => {
  it('are offered for numbers in SMS_COUNTRIES, confirmed from the profile, and sign in with amr sms', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await profile(ua, user);
    const form = await ua.follow(`${app.url}/account/add/sms`);
    const elsewhere = await ua.submit(form, /\/account\/add\/sms$/, { destination: '+32 470 12 34 56' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toContain('Text messages are not available for numbers in Belgium');
    const invalid = await ua.submit(form, /\/account\/add\/sms$/, { destination: 'call me maybe' });
    expect(invalid.body).toContain('This is not a mobile number we can use');

    const confirm = await ua.submit(form, /\/account\/add\/sms$/, { destination: '+31 6 12345678' });
    expect(confirm.body).toContain('+31 •••• ••78');
    const enrolText = lastText('+31612345678');
    expect(enrolText.text).toMatch(/^\d{6} is your Twofold code/);
    await ua.submit(confirm, /\/confirm$/, { code: /^(\d{6})/.exec(enrolText.text)![1]! });

    const { ua: browser, request, next } = await signInToChooser(user);
    const page: Step = await browser.submit(next, /\/choose$/, {});
    expect(page.body).toContain('by text message to +31 •••• ••78');
    const sms = lastText('+31612345678');
    expect(sms.text).toContain(`@${new URL(app.url).host} #`);
    const done = await browser.submit(page, /\/factor$/, { code: /^(\d{6})/.exec(sms.text)![1]! }, client.redirectUri);
    expect((await exchange(rp, request, done.location!)).claims()).toMatchObject({ amr: ['pwd', 'sms', 'mfa'] });
  });
});
