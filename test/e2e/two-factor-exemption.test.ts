// An administrator's exemption from the organisation's "required" two-step verification, as the
// sign-in pages apply it (driven through the pages with openid-client as the relying party): an
// exempt user without a factor signs in with the password alone (no enrolment, no invitation);
// an app that demands a second factor still gets one; a factor set up voluntarily is asked for
// and may be removed again in My profile; after "require it again", or once the exemption's date
// has passed, the same user is asked to enrol. The exemption is granted through the admin API.
import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, clientCredentialsToken, createAdminMachineClient } from '../admin/admin-client.js';
import { manualClock } from '../../src/clock.js';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import type { TwoFactorPolicy } from '../../src/organisations/policy.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, type oidc, signIn, submitPassword } from '../support/relying-party.js';
import { createUserAgent, type UserAgent } from '../support/user-agent.js';

const clock = manualClock(Date.now());
const day = 86_400_000;
let app: TestApp;
let adminToken: string;
let client: TestClient;
let strict: TestClient;
let rp: oidc.Configuration;
let rpStrict: oidc.Configuration;

beforeAll(async () => {
  app = await startTestApp({ clock });
  adminToken = await clientCredentialsToken(app, await createAdminMachineClient(app));
  client = await createClient(app.services);
  strict = await createClient(app.services, { name: 'Payroll', metadata: { require_mfa: true } });
  [rp, rpStrict] = await Promise.all([discover(app.url, client), discover(app.url, strict)]);
});
afterAll(() => app?.close());

type User = Awaited<ReturnType<typeof createUser>>;
const api = (method: string, path: string, body?: unknown) => adminApi(app, () => adminToken)(method, path, body === undefined ? {} : { body });
const setPolicy = (user: User, policy: Partial<TwoFactorPolicy>) => app.services.organisations.savePolicy(user.organisationId, policy);
const orgRequires = 'Your organisation requires two-step verification. Set it up now to continue';

async function exempt(user: User, until?: Date) {
  const res = await api('POST', `/users/${user.id}/two-factor/disable`, { reason: 'no phone until the new one arrives', ...(until ? { until: until.toISOString() } : {}) });
  expect(res.status).toBe(200);
}

/** authorize → password → the page (or redirect) that comes next */
async function afterPassword(ua: UserAgent, which: { rp: oidc.Configuration; client: TestClient }, user: User, params: Record<string, string> = {}) {
  const request = await authorizationRequest(which.rp, which.client, params);
  const page = await ua.follow(request.url.href, {}, which.client.redirectUri);
  return { request, page: await submitPassword(ua, page, user.email, user.password, which.client.redirectUri) };
}

async function withTotp(user: User): Promise<string> {
  const secret = app.services.totp.newSecret();
  const id = randomUUID();
  await app.services.factors.save({ id, accountId: user.id, kind: 'totp', label: '', secretSealed: app.services.box.seal(secret, totpSecretContext(id)) });
  return secret;
}
const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' });

describe('an exempt user under a required policy', () => {
  it('signs in with the password alone: no enrolment, no mandatory-from invitation; tokens say pwd', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { mode: 'required' });
    expect((await afterPassword(createUserAgent(), { rp, client }, user)).page.body).toContain(orgRequires);

    await exempt(user);
    const { tokens } = await signIn(createUserAgent(), rp, client, user);
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ['pwd'], acr: 'urn:twofold:acr:pwd' });

    await setPolicy(user, { mode: 'required', mandatoryFrom: new Date(clock.now() + 30 * day) });
    const invited = await signIn(createUserAgent(), rp, client, user);
    expect(invited.tokens.claims()).toMatchObject({ amr: ['pwd'] });
  });

  it('still sets up a second factor for an app that demands one, for the app’s reason, as under an optional policy', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { mode: 'required' });
    await exempt(user);
    const { page } = await afterPassword(createUserAgent(), { rp: rpStrict, client: strict }, user);
    expect(page.body).toContain('Set up an authenticator app');
    expect(page.body).toContain('Payroll requires a second step');
    expect(page.body).not.toContain('Your organisation requires');
    const stepUp = await afterPassword(createUserAgent(), { rp, client }, user, { acr_values: 'urn:twofold:acr:mfa' });
    expect(stepUp.page.body).toContain('Set up an authenticator app');
  });

  it('is asked for a factor they set up themselves, and may remove it again in My profile', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { mode: 'required' });
    await exempt(user);
    const secret = await withTotp(user);

    const ua = createUserAgent();
    const { request, page } = await afterPassword(ua, { rp, client }, user);
    expect(page.body).toContain('Open your authenticator app');
    const done = await ua.submit(page, /\/factor$/, { code: await totpCode(secret) }, client.redirectUri);
    const tokens = await exchange(rp, request, done.location!);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa' });

    // My profile: under "required" the last method could not go; exempt, it can, and 2FA can be turned off
    clock.advance(30_000);
    const profileUa = createUserAgent();
    const password = await profileUa.submit(await profileUa.follow(`${app.url}/account`), /\/login$/, { email: user.email, password: user.password });
    const profile = await profileUa.submit(password, /\/factor$/, { code: await totpCode(secret) });
    expect(profile.url).toBe(`${app.url}/account`);
    expect(profile.body).toContain('/account/two-step/off');
    expect(profile.body).not.toContain('Your organisation requires two-step verification.');
    expect((await profileUa.follow(`${app.url}/account/two-step/off`)).status).toBe(200);
    const removed = await profileUa.submit(profile, /\/remove$/, {});
    expect(removed.body).toContain('Your last method was removed');
    expect(await app.services.factors.findByAccount(user.id)).toEqual([]);
  });

  it('is asked to enrol again once an administrator requires it again', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { mode: 'required' });
    await exempt(user);
    await signIn(createUserAgent(), rp, client, user);
    expect((await api('DELETE', `/users/${user.id}/two-factor/exemption`)).status).toBe(204);
    const { page } = await afterPassword(createUserAgent(), { rp, client }, user);
    expect(page.status).toBe(200);
    expect(page.body).toContain(orgRequires);
  });
});

describe('the cost of the exemption on the sign-in', () => {
  it('is no query for a user with a usable factor, one for a user without under a required policy', async () => {
    const repo = app.services.twoFactorExemptions;
    const original = repo.inEffect;
    let asked = 0;
    repo.inEffect = (...args) => {
      asked++;
      return original(...args);
    };
    try {
      const enrolled = await createUser(app.services);
      await setPolicy(enrolled, { mode: 'required' });
      const secret = await withTotp(enrolled);
      clock.advance(30_000);
      const ua = createUserAgent();
      const { page } = await afterPassword(ua, { rp, client }, enrolled);
      await ua.submit(page, /\/factor$/, { code: await totpCode(secret) }, client.redirectUri);
      expect(asked).toBe(0);

      const without = await createUser(app.services);
      await setPolicy(without, { mode: 'required' });
      await exempt(without);
      await signIn(createUserAgent(), rp, client, without);
      expect(asked).toBeGreaterThan(0);
    } finally {
      repo.inEffect = original;
    }
  });
});

describe('an exemption whose date has passed (last: it moves the clock by days)', () => {
  it('no longer applies: the user is asked to enrol', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { mode: 'required' });
    await exempt(user, new Date(clock.now() + day));
    const { tokens } = await signIn(createUserAgent(), rp, client, user);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd'] });

    clock.advance(2 * day);
    const { page } = await afterPassword(createUserAgent(), { rp, client }, user);
    expect(page.body).toContain(orgRequires);
  });
});
