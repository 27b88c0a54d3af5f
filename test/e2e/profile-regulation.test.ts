// My profile's code checks are regulated like the sign-in's (regulated(), real Redis): once wrong
// codes have locked the account, even the right code is refused — before it is looked at — when
// adding an e-mail code method or changing a method's address, and nothing is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/fixtures.js';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';
import { createUserAgent, type Step, type UserAgent } from '../support/user-agent.js';

let app: TestApp;
let inbox: Inbox;

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
});

const other = (code: string) => (code === '000000' ? '000001' : '000000');
/** the second-factor counter allows 10 failures per account (src/regulation/regulator.ts mfa-account) */
const accountFailures = 10;

async function openProfile(ua: UserAgent, user: { email: string; password: string }): Promise<Step> {
  const page = await ua.follow(`${app.url}/account`);
  return page.body.includes('name="password"') ? ua.submit(page, /\/login$/, { email: user.email, password: user.password }) : page;
}

/** Type wrong codes into the form until the account is locked. */
async function lockWithWrongCodes(ua: UserAgent, page: Step, action: RegExp, right: string): Promise<Step> {
  let last = page;
  for (let i = 0; i < accountFailures; i++) {
    last = await ua.submit(page, action, { code: other(right) });
    expect(last.status).toBe(400); // the failure that locks still says "not right"; the lock shows on the next attempt
  }
  return last;
}

describe('a locked account on My profile', () => {
  it('adding an e-mail code method: the right code is refused with the locked message, no factor is stored', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const form = await ua.follow(`${app.url}/account/add/email`);
    const confirm = await ua.submit(form, /\/account\/add\/email$/, { destination: user.email });
    const code = await inbox.nextCode(user.email);
    await lockWithWrongCodes(ua, confirm, /\/confirm$/, code);
    expect((await app.services.regulator.check({ kind: 'second_factor', accountId: user.id, ip: '127.0.0.1' })).allowed).toBe(false);

    const refused = await ua.submit(confirm, /\/confirm$/, { code });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatch(/Too many attempts\. Try again in \d+ minutes?\./);
    expect(await app.services.factors.findByAccount(user.id)).toEqual([]);
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'factor.enrolled' })).toEqual([]);
  });

  it('changing an address: the right code for the new address is refused with the locked message, the old address stays', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const factor = await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    const old = await ua.follow(`${app.url}/account/factors/${factor.id}/change`);
    const ask = await ua.submit(old, /\/change\/old$/, { code: await inbox.nextCode(user.email) });
    const fresh = `new-${user.email}`;
    const confirm = await ua.submit(ask, /\/change\/new$/, { destination: fresh });
    const code = await inbox.nextCode(fresh);
    await lockWithWrongCodes(ua, confirm, /\/change\/confirm$/, code);

    const refused = await ua.submit(confirm, /\/change\/confirm$/, { code });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatch(/Too many attempts\. Try again in \d+ minutes?\./);
    expect((await app.services.factors.findById(user.id, factor.id))!.destination).toBe(user.email);
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'factor.updated' })).toEqual([]);
  });

  it('changing an address: the right code from the current address is refused once locked', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const factor = await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    const old = await ua.follow(`${app.url}/account/factors/${factor.id}/change`);
    const code = await inbox.nextCode(user.email);
    await lockWithWrongCodes(ua, old, /\/change\/old$/, code);

    const refused = await ua.submit(old, /\/change\/old$/, { code });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatch(/Too many attempts/);
    expect(refused.body).not.toContain('name="destination"'); // not on to the new address
  });
});
