// A real WebAuthn ceremony: Chromium with the DevTools virtual authenticator, our page script
// and the @simplewebauthn/browser bundle as served by src/http/assets.ts under the real CSP, the
// module verifying, and the factors table in the run's Postgres storing the credential and its
// signature counter. Then a cloned authenticator (same key, lower counter) and the failures the
// page must explain with its own texts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../../src/storage/postgres/accounts.js';
import { createAccountsRepo } from '../../../src/storage/postgres/accounts.js';
import type { Db } from '../../../src/storage/postgres/db.js';
import { createFactorsRepo, type FactorsRepo } from '../../../src/storage/postgres/factors.js';
import { createOrganisationsRepo } from '../../../src/storage/postgres/organisations.js';
import { createMemoryStore } from '../../../src/storage/short-lived/memory-store.js';
import { addVirtualAuthenticator, useBrowser } from '../../support/browser.js';
import { sharedDb, uniqueSuffix } from '../../support/storage-postgres.js';
import { pageTexts, startWebAuthnPages } from '../../support/webauthn-pages.js';

const browser = useBrowser();
let db: Db;
let factors: FactorsRepo;

beforeAll(async () => {
  db = sharedDb(2);
  factors = createFactorsRepo(db);
});
afterAll(() => db?.close());

async function newAccount(): Promise<Account> {
  const org = await createOrganisationsRepo(db).save({ slug: `wa-${uniqueSuffix()}`, name: 'WebAuthn test' });
  const account = await createAccountsRepo(db).save({
    organisationId: org.id,
    email: `wa-${uniqueSuffix()}@example.com`,
    name: 'Grace Hopper',
    emailVerified: true,
    passwordHash: null,
  });
  if (!account) throw new Error('account not created');
  return account;
}

async function pagesFor(account: Account) {
  const pages = await startWebAuthnPages({ store: createMemoryStore(), factors, account });
  return pages;
}

const signCount = async (id: string) => (await db.query<{ n: number }>('SELECT sign_count::float8 AS n FROM factors WHERE id = $1', [id])).rows[0]!.n;

describe('WebAuthn in Chromium with a virtual authenticator', () => {
  it('registers a key, signs in with it, and refuses it once cloned with a lower counter', async () => {
    const account = await newAccount();
    const pages = await pagesFor(account);
    try {
      const page = await browser.page();
      const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

      // the assets the page needs, as the real app serves them
      for (const path of ['/assets/webauthn.js', '/assets/simplewebauthn-browser.js']) {
        const res = await page.request.get(`${pages.url}${path}`);
        expect(res.status()).toBe(200);
        expect(res.headers()['content-type']).toBe('text/javascript; charset=utf-8');
        expect(res.headers()['cache-control']).toBe('public, max-age=3600');
      }
      const css = await page.request.get(`${pages.url}/assets/twofold.css`);
      expect(css.headers()['content-type']).toBe('text/css; charset=utf-8');

      // register: a click, the authenticator answers, the form posts the response; all of it
      // under the pages' CSP, which allows no inline script
      const response = await page.goto(`${pages.url}/register`);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.getByRole('button', { name: pageTexts.start }).click();
      await expect(page.locator('#result').textContent()).resolves.toMatch(/^registered /);
      const registered = pages.outcomes.at(-1);
      if (registered?.step !== 'registered') throw new Error(`not registered: ${JSON.stringify(registered)}`);
      const [credential] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
      expect(credential).toBeDefined();
      const stored = (await factors.findByAccount(account.id))[0]!;
      expect(stored).toMatchObject({
        id: registered.factor.id,
        kind: 'webauthn',
        label: 'Security key',
        credentialId: Buffer.from(credential!.credentialId, 'base64').toString('base64url'),
        signCount: credential!.signCount,
        transports: ['usb'],
        deviceType: 'singleDevice',
        backedUp: false,
      });
      expect(stored.publicKey).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(stored.aaguid).toMatch(/^[0-9a-f-]{36}$/);

      // sign in: the page starts the ceremony by itself (data-autostart); the counter moves on
      await page.goto(`${pages.url}/authenticate`);
      await expect(page.locator('#result').textContent()).resolves.toBe('authenticated advanced=true');
      const first = pages.outcomes.at(-1);
      if (first?.step !== 'authenticated') throw new Error(`not authenticated: ${JSON.stringify(first)}`);
      expect(first).toMatchObject({ advanced: true, userVerified: true });
      expect(first.factor.id).toBe(stored.id);
      expect(first.newSignCount).toBeGreaterThan(stored.signCount!);
      expect(await signCount(stored.id)).toBe(first.newSignCount);
      const beforeClone = await factors.findByAccount(account.id);

      // a clone: the same private key on an authenticator whose counter is behind what we
      // stored (here the stored counter is raised to 100 and the copy counts from 10)
      const [original] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
      await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: original!.credentialId });
      await db.query('UPDATE factors SET sign_count = 100 WHERE id = $1', [stored.id]);
      await cdp.send('WebAuthn.addCredential', {
        authenticatorId,
        credential: {
          credentialId: original!.credentialId,
          isResidentCredential: original!.isResidentCredential,
          rpId: original!.rpId!,
          privateKey: original!.privateKey,
          userHandle: original!.userHandle!,
          signCount: 10,
        },
      });

      // read fresh, the module itself refuses the backwards counter: no success, nothing written
      await page.goto(`${pages.url}/authenticate`);
      await expect(page.locator('#result').textContent()).resolves.toBe('refused webauthn_clone');
      expect(pages.outcomes.at(-1)).toMatchObject({ step: 'refused', code: 'webauthn_clone', message: expect.stringMatching(/counter/) });
      expect(await signCount(stored.id)).toBe(100);

      // read before the counter moved (two replicas, or the original used in between): the
      // signature checks out against the stale record, and advanceSignCount is what refuses
      pages.hooks.factorsForVerify = async () => beforeClone;
      await page.goto(`${pages.url}/authenticate`);
      await expect(page.locator('#result').textContent()).resolves.toBe('authenticated advanced=false');
      expect(pages.outcomes.at(-1)).toMatchObject({ step: 'authenticated', advanced: false });
      expect(await signCount(stored.id)).toBe(100);
    } finally {
      await pages.close();
    }
  });

  it('shows the page text when the same key is registered twice, and the button works again', async () => {
    const account = await newAccount();
    const pages = await pagesFor(account);
    try {
      const page = await browser.page();
      await addVirtualAuthenticator(page);
      await page.goto(`${pages.url}/register`);
      await page.getByRole('button', { name: pageTexts.start }).click();
      await expect(page.locator('#result').textContent()).resolves.toMatch(/^registered /);

      // the options now exclude that credential: the authenticator refuses to make another
      await page.goto(`${pages.url}/register`);
      await page.getByRole('button', { name: pageTexts.start }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toBe(pageTexts.registered);
      await expect(page.getByRole('button', { name: pageTexts.start }).isEnabled()).resolves.toBe(true);
      expect(pages.outcomes.filter((o) => o.step === 'registered')).toHaveLength(1);
    } finally {
      await pages.close();
    }
  });

  it('shows the page text when user verification fails, and when the key is gone', async () => {
    const account = await newAccount();
    const pages = await pagesFor(account);
    try {
      const page = await browser.page();
      const { cdp, authenticatorId } = await addVirtualAuthenticator(page);
      await page.goto(`${pages.url}/register`);
      await page.getByRole('button', { name: pageTexts.start }).click();
      await expect(page.locator('#result').textContent()).resolves.toMatch(/^registered /);

      // user verification fails in a ceremony the page started by itself: no error shown (a
      // browser may refuse a prompt nobody clicked for), the button is there to try again
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
      await page.goto(`${pages.url}/authenticate`);
      await page.locator('#webauthn-start:enabled').waitFor();
      await expect(page.getByRole('alert').isHidden()).resolves.toBe(true);

      // user verification fails on a click: the page's "cancelled" text, button enabled again
      pages.hooks.autostart = false;
      await page.goto(`${pages.url}/authenticate`);
      await page.getByRole('button', { name: pageTexts.start }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toBe(pageTexts.cancelled);
      await expect(page.getByRole('button', { name: pageTexts.start }).isEnabled()).resolves.toBe(true);

      // the key is gone: the same text; nothing reached the server
      await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
      await page.goto(`${pages.url}/authenticate`);
      await page.getByRole('button', { name: pageTexts.start }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toBe(pageTexts.cancelled);
      expect(pages.outcomes.filter((o) => o.step !== 'registered')).toEqual([]);
    } finally {
      await pages.close();
    }
  });

  it('says so, with the page text, in a browser without WebAuthn', async () => {
    const account = await newAccount();
    const pages = await pagesFor(account);
    try {
      const page = await browser.page();
      await page.addInitScript('delete window.PublicKeyCredential;');
      await page.goto(`${pages.url}/register`);
      await expect(page.getByRole('alert').textContent()).resolves.toBe(pageTexts.unsupported);
      await expect(page.getByRole('button', { name: pageTexts.start }).isDisabled()).resolves.toBe(true);
    } finally {
      await pages.close();
    }
  });
});
