// German, the language with the longest words, in a real browser on a narrow phone: the
// browser's locale picks the language (Accept-Language), the pages read in German, and no
// compound word pushes anything out of the card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generate } from 'otplib';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { useBrowser } from '../support/browser.js';
import { createUser } from '../support/fixtures.js';

const browser = useBrowser();
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const narrowGerman = { locale: 'de-DE', viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true };

/** Elements inside the card that stick out of it, and whether the page scrolls sideways (run in the page). */
const overflowScript = `(() => {
  const card = document.querySelector('main').getBoundingClientRect();
  const outside = [...document.querySelectorAll('main *')]
    .filter((e) => {
      const r = e.getBoundingClientRect();
      if (r.width === 0) return false;
      if (r.right > card.right + 0.5 || r.left < card.left - 0.5) return true;
      // text running out of its own box (form fields scroll their value inside, by design)
      return !['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName) && getComputedStyle(e).overflowX === 'visible' && e.scrollWidth > e.clientWidth + 1;
    })
    .map((e) => e.tagName.toLowerCase() + ': ' + (e.textContent || '').trim().slice(0, 40));
  return { outside, scrollsSideways: document.documentElement.scrollWidth > window.innerWidth };
})()`;

const overflow = (page: Page) => page.evaluate<{ outside: string[]; scrollsSideways: boolean }>(overflowScript);

describe('German on a 320-pixel phone', () => {
  it('signs in to the profile in German, and nothing overflows', async () => {
    const user = await createUser(app.services, { name: 'Ada Lovelace' });
    const secret = app.services.totp.newSecret();
    const id = crypto.randomUUID();
    await app.services.factors.save({ id, accountId: user.id, kind: 'totp', label: '', secretSealed: app.services.box.seal(secret, totpSecretContext(id)) });
    const page = await browser.page(narrowGerman);

    await page.goto(`${app.url}/account`);
    expect(await page.getAttribute('html', 'lang')).toBe('de');
    await page.getByLabel('E-Mail-Adresse', { exact: true }).fill(user.email);
    await page.getByLabel('Passwort', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('E-Mail-Adresse oder Passwort ist nicht korrekt.');
    expect(await overflow(page)).toEqual({ outside: [], scrollsSideways: false });

    await page.getByLabel('Passwort', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.getByRole('heading', { name: 'Bestätigen Sie, dass Sie es sind' }).waitFor();
    expect(await overflow(page)).toEqual({ outside: [], scrollsSideways: false });
    await page.getByLabel('6-stelliger Code').fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' }));
    await page.getByRole('button', { name: 'Bestätigen' }).click();

    await page.getByRole('heading', { name: 'Mein Profil' }).waitFor();
    await expect.poll(() => page.locator('main').textContent()).toContain('Wiederherstellungscodes');
    expect(await overflow(page)).toEqual({ outside: [], scrollsSideways: false });
  });
});

describe('signing out without a session, in Dutch', () => {
  it('posts itself with JavaScript, and without it offers a Dutch button that works', async () => {
    const withScript = await browser.page({ locale: 'nl-NL' });
    await withScript.goto(`${app.url}/session/end`);
    await withScript.waitForURL(/\/session\/end\/success/);
    expect(await withScript.getByRole('heading', { level: 1 }).innerText()).toBe('Je bent uitgelogd');

    const noScript = await browser.page({ locale: 'nl-NL', javaScriptEnabled: false });
    await noScript.goto(`${app.url}/session/end`);
    expect(await noScript.title()).toBe('Een moment · Twofold');
    await noScript.getByRole('button', { name: 'Doorgaan' }).click();
    await noScript.waitForURL(/\/session\/end\/success/);
    expect(await noScript.getByRole('heading', { level: 1 }).innerText()).toBe('Je bent uitgelogd');
  });
});
