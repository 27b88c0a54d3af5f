// Second factors in the sign-in, driven through the pages with openid-client as the relying
// party: authenticator-app enrolment inside a sign-in, TOTP sign-in, recovery codes, the
// method chooser, wrong-code limits, step-up with acr_values. The TOTP clock is injected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { manualClock } from '../../src/clock.js';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, type oidc, submitPassword } from '../support/relying-party.js';
import { createUserAgent, type Step, type UserAgent } from '../support/user-agent.js';

const clock = manualClock(Date.now());
let app: TestApp;
let client: TestClient;
let strict: TestClient;
let rp: oidc.Configuration;
let rpStrict: oidc.Configuration;

beforeAll(async () => {
  app = await startTestApp({ clock });
  client = await createClient(app.services);
  strict = await createClient(app.services, { name: 'Payroll', metadata: { require_mfa: true } });
  [rp, rpStrict] = await Promise.all([discover(app.url, client), discover(app.url, strict)]);
});
afterAll(() => app?.close());

const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' });
const nextStep = () => clock.advance(30_000);
const field = (page: Step, re: RegExp) => re.exec(page.body)?.[1];

/** authorize → password → whatever page comes next */
async function startSignIn(ua: UserAgent, which: { rp: oidc.Configuration; client: TestClient }, user: { email: string; password: string }, params: Record<string, string> = {}) {
  const request = await authorizationRequest(which.rp, which.client, params);
  const page = await ua.follow(request.url.href, {}, which.client.redirectUri);
  const after = await submitPassword(ua, page, user.email, user.password, which.client.redirectUri);
  return { request, page: after };
}

async function enrolTotp(ua: UserAgent, user: { email: string; password: string }) {
  const { request, page } = await startSignIn(ua, { rp: rpStrict, client: strict }, user);
  expect(page.status).toBe(200);
  expect(page.body).toContain('Set up an authenticator app');
  expect(page.body).toContain('Payroll requires a second step');
  expect(page.body).toMatch(/<img class="qr" src="data:image\/svg\+xml;base64,/);
  const secret = field(page, /<code id="manual-key"[^>]*>([A-Z2-7 ]+)<\/code>/)!.replace(/ /g, '');
  expect(secret).toHaveLength(32);
  const codesPage = await ua.submit(page, /\/enrol\/totp$/, { code: await totpCode(secret) }, strict.redirectUri);
  expect(codesPage.body).toContain('Your recovery codes');
  const recoveryCodes = [...codesPage.body.matchAll(/<li><code>([0-9A-Z]{5}-[0-9A-Z]{5})<\/code><\/li>/g)].map((m) => m[1]!);
  expect(recoveryCodes).toHaveLength(10);
  const done = await ua.submit(codesPage, /\/continue$/, {}, strict.redirectUri);
  const tokens = await exchange(rpStrict, request, done.location!);
  return { secret, recoveryCodes, tokens };
}

describe('authenticator app', () => {
  it('is set up inside the sign-in when the app requires a second factor; tokens say pwd + otp + mfa', async () => {
    const user = await createUser(app.services);
    const { tokens, secret } = await enrolTotp(createUserAgent(), user);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa' });

    // stored sealed: the raw row does not contain the secret
    const [row] = (await app.services.db.query<{ secret_sealed: string }>('SELECT secret_sealed FROM factors WHERE account_id = $1', [user.id])).rows;
    expect(row!.secret_sealed).not.toContain(secret);
    const [factor] = await app.services.factors.findByAccount(user.id);
    expect(app.services.box.open(factor!.secretSealed!, totpSecretContext(factor!.id))).toBe(secret);
  });

  it('is asked at every sign-in once set up, for any app; a used code is refused', async () => {
    const user = await createUser(app.services);
    const { secret } = await enrolTotp(createUserAgent(), user);
    const ua = createUserAgent();
    const { request, page } = await startSignIn(ua, { rp, client }, user);
    // TOTP and recovery codes: the chooser comes first, the app preselected
    expect(page.body).toContain('Choose a way to confirm');
    expect(page.body).toMatch(/value="[0-9a-f-]{36}" checked/);
    const factorPage = await ua.submit(page, /\/choose$/, {});
    expect(factorPage.body).toContain('Open your authenticator app');
    expect(factorPage.body).toContain('Use another method');

    // the code of the enrolment's time step was used: refused
    const replay = await ua.submit(factorPage, /\/factor$/, { code: await totpCode(secret) }, client.redirectUri);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatch(/already used|not right/);
    nextStep();
    const done = await ua.submit(replay, /\/factor$/, { code: await totpCode(secret) }, client.redirectUri);
    const tokens = await exchange(rp, request, done.location!);
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa' });
  });

  it('counts wrong codes, says how many are left, and stops the sign-in after 7', async () => {
    const user = await createUser(app.services);
    const { secret } = await enrolTotp(createUserAgent(), user);
    const ua = createUserAgent();
    const { page } = await startSignIn(ua, { rp, client }, user);
    let current = await ua.submit(page, /\/choose$/, {});
    // a code that is not the current one (nor a neighbour in the drift window)
    const right = new Set(await Promise.all([-30, 0, 30].map((d) => generate({ secret, epoch: Math.floor(clock.now() / 1000) + d, period: 30, digits: 6, algorithm: 'sha1' }))));
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !right.has(c))!;
    for (let i = 1; i <= 6; i++) {
      current = await ua.submit(current, /\/factor$/, { code: wrong }, client.redirectUri);
      expect(current.status).toBe(401);
      expect(current.body).toContain(`${7 - i} attempt${7 - i === 1 ? '' : 's'} left`);
    }
    const stopped = await ua.submit(current, /\/factor$/, { code: wrong }, client.redirectUri);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toContain('name="password"');
    expect(stopped.body).toContain('You entered a wrong code too many times');
    const events = await app.services.audit.findRecent({ accountId: user.id, type: 'signin.abandoned' });
    expect(events).toHaveLength(1);
  });

  it("takes the organisation's own limit of wrong codes over the server's", async () => {
    const user = await createUser(app.services);
    const { secret } = await enrolTotp(createUserAgent(), user);
    await app.services.organisations.savePolicy(user.organisationId, { maxWrongCodes: 3 });
    const ua = createUserAgent();
    const { page } = await startSignIn(ua, { rp, client }, user);
    let current = await ua.submit(page, /\/choose$/, {});
    const right = new Set(await Promise.all([-30, 0, 30].map((d) => generate({ secret, epoch: Math.floor(clock.now() / 1000) + d, period: 30, digits: 6, algorithm: 'sha1' }))));
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !right.has(c))!;
    current = await ua.submit(current, /\/factor$/, { code: wrong }, client.redirectUri);
    expect(current.body).toContain('2 attempts left');
    current = await ua.submit(current, /\/factor$/, { code: wrong }, client.redirectUri);
    expect(current.body).toContain('1 attempt left');
    const stopped = await ua.submit(current, /\/factor$/, { code: wrong }, client.redirectUri);
    expect(stopped.body).toContain('You entered a wrong code too many times');
  });
});

describe('recovery codes', () => {
  it('sign a user in once each and say how many remain', async () => {
    const user = await createUser(app.services);
    const { recoveryCodes } = await enrolTotp(createUserAgent(), user);
    const ua = createUserAgent();
    const { request, page } = await startSignIn(ua, { rp, client }, user);
    const recoveryPage = await ua.submit(page, /\/choose$/, { method: 'recovery' });
    expect(recoveryPage.body).toContain('Enter one of the recovery codes');
    const used = await ua.submit(recoveryPage, /\/factor$/, { code: recoveryCodes[3]!.toLowerCase().replace('-', ' ') }, client.redirectUri);
    expect(used.body).toContain('9 codes are left');
    const done = await ua.submit(used, /\/continue$/, {}, client.redirectUri);
    expect((await exchange(rp, request, done.location!)).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });

    const again = createUserAgent();
    const second = await startSignIn(again, { rp, client }, user);
    const page2 = await again.submit(second.page, /\/choose$/, { method: 'recovery' });
    const refused = await again.submit(page2, /\/factor$/, { code: recoveryCodes[3]! }, client.redirectUri);
    expect(refused.status).toBe(401);
    expect(await app.services.recoveryCodes.countUnused(user.id)).toBe(9);
  });
});

describe('step-up', () => {
  it('asks only for the second factor when acr_values demands it of a password-only session', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    const first = await startSignIn(ua, { rp, client }, user);
    expect((await exchange(rp, first.request, first.page.location!)).claims()).toMatchObject({ amr: ['pwd'], acr: 'urn:twofold:acr:pwd' });

    // prompt=none cannot step up
    const silent = await authorizationRequest(rp, client, { acr_values: 'urn:twofold:acr:mfa', prompt: 'none' });
    const silentStep = await ua.follow(silent.url.href, {}, client.redirectUri);
    expect(new URL(silentStep.location!).searchParams.get('error')).toBe('login_required');

    // the user sets up an app (as from the profile): a factor exists now
    const secret = app.services.totp.newSecret();
    const factorId = crypto.randomUUID();
    await app.services.factors.save({ id: factorId, accountId: user.id, kind: 'totp', label: '', secretSealed: app.services.box.seal(secret, totpSecretContext(factorId)) });

    const request = await authorizationRequest(rp, client, { acr_values: 'urn:twofold:acr:mfa' });
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    expect(page.body).not.toContain('name="password"');
    expect(page.body).toContain('Open your authenticator app');
    expect(page.body).toContain('asks for a second step');
    nextStep();
    const done = await ua.submit(page, /\/factor$/, { code: await totpCode(secret) }, client.redirectUri);
    const claims = (await exchange(rp, request, done.location!)).claims()!;
    expect(claims).toMatchObject({ sub: user.id, amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa' });
  });
});

describe('password regulation', () => {
  it('pauses a (login, address) after 5 wrong passwords and says for how long', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    const request = await authorizationRequest(rp, client);
    let page = await ua.follow(request.url.href, {}, client.redirectUri);
    for (let i = 0; i < 4; i++) page = await submitPassword(ua, page, user.email, 'wrong password!', client.redirectUri);
    expect(page.status).toBe(401);
    expect(page.body).toContain('1 attempt left before a short pause');
    page = await submitPassword(ua, page, user.email, 'wrong password!', client.redirectUri);
    expect(page.status).toBe(429);
    expect(page.body).toContain('Try again in 1 minute');
    // even the right password waits
    const locked = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
    expect(locked.status).toBe(429);
  });
});
