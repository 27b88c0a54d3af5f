// The development outbox pages of a real Twofold (real Postgres and Redis, OUTBOX=true): the
// list shows what the mailer and the SMS sender kept, an e-mail's HTML is its own document
// under a strict CSP, clearing needs the CSRF token, and without OUTBOX there is no such page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n/i18n.js';
import { renderEmail } from '../../src/mail/emails.js';
import { emailViewCsp } from '../../interactions/outbox.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { throwawayDatabase, type ThrowawayDatabase } from '../support/storage-postgres.js';

// Every start re-registers the fixed demo and profile clients with its own issuer: on the run's
// shared database that would pull them from under other test files. A database of our own.
let db: ThrowawayDatabase;
beforeAll(async () => {
  db = await throwawayDatabase({ migrated: true });
});
afterAll(async () => {
  await db?.drop();
});

const csrfFrom = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];
const cookieFrom = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');

describe('with OUTBOX=true', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { DATABASE_URL: db.url, OUTBOX: 'true' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  async function sendBoth(code: string) {
    const tr = (await createI18n()).forLanguage('en');
    const mail = renderEmail('sign-in-code', tr, { code, validSeconds: 90, browser: 'Firefox on Linux' });
    await app.services.mailer.send({ to: 'ada.lovelace@example.com', ...mail, category: 'sign-in-code' });
    await app.services.sms!.send('+31612345678', `Your Twofold code is ${code}`, { category: 'sign-in-code' });
  }

  it('lists each message as it would arrive, newest first, under a banner', async () => {
    app.services.outbox!.clear();
    await sendBoth('493817');
    const res = await fetch(`${app.url}/dev/outbox`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('This is the development outbox.');
    expect(html).toContain('Your Twofold sign-in code');
    expect(html).toContain('Twofold &lt;no-reply@localhost&gt;');
    expect(html).toContain('ada.lovelace@example.com');
    expect(html).toContain('    493817\n');
    expect(html).toContain('Your Twofold code is 493817');
    expect(html).toContain('+31612345678');
    expect(html).toContain('2 messages, newest first');
    // the text message was sent last, so it comes first
    expect(html.indexOf('Your Twofold code is 493817')).toBeLessThan(html.indexOf('Your Twofold sign-in code</h2>'));
    const [email] = app.services.outbox!.list().filter((m) => m.channel === 'email');
    expect(html).toContain(`href="/dev/outbox/${email!.id}"`);
  });

  it('shows an e-mail’s HTML as its own document with a strict CSP and a way back', async () => {
    app.services.outbox!.clear();
    await sendBoth('271828');
    const [sms, email] = app.services.outbox!.list();
    const res = await fetch(`${app.url}/dev/outbox/${email!.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(emailViewCsp);
    expect(emailViewCsp).toContain("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('>271828</p>');
    expect(html).toMatch(/<body[^>]*><div[^>]*>Development outbox: this e-mail was not sent\. <a href="\/dev\/outbox"[^>]*>Back to the outbox<\/a><\/div>/);

    expect((await fetch(`${app.url}/dev/outbox/${sms!.id}`)).status).toBe(404); // a text message has no HTML
    expect((await fetch(`${app.url}/dev/outbox/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${app.url}/dev/outbox/not-an-id`)).status).toBe(404);
  });

  it('speaks the browser’s language, with times written its way', async () => {
    app.services.outbox!.clear();
    await sendBoth('161803');
    const [sms] = app.services.outbox!.list();
    const html = await (await fetch(`${app.url}/dev/outbox`, { headers: { 'accept-language': 'de-DE,de;q=0.9' } })).text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Dies ist der Entwicklungs-Postausgang.');
    expect(html).toContain('2 Nachrichten, neueste zuerst');
    expect(html).toContain(new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'medium' }).format(sms!.time));
    expect(html).toMatch(/\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}/);
    const dutch = await (await fetch(`${app.url}/dev/outbox?ui_locales=nl`, { headers: { 'accept-language': 'de' } })).text();
    expect(dutch).toContain('<html lang="nl">');
    expect(dutch).toContain('Postvak UIT leegmaken');
  });

  it('clears only with the CSRF token of this browser', async () => {
    await sendBoth('314159');
    const page = await fetch(`${app.url}/dev/outbox`);
    const token = csrfFrom(await page.text());
    const cookie = cookieFrom(page);
    expect(token).toBeTruthy();
    expect(cookie).toContain('twofold.csrf=');
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${app.url}/dev/outbox/clear`, { method: 'POST', redirect: 'manual', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });

    expect((await post(`csrf=${token}`)).status).toBe(403); // no cookie
    expect((await post('csrf=forged', { cookie })).status).toBe(403);
    expect((await post('', { cookie })).status).toBe(403);
    expect((await post(`csrf=${token}`, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    expect(app.services.outbox!.list().length).toBeGreaterThan(0);

    const cleared = await post(`csrf=${encodeURIComponent(token!)}`, { cookie, origin: app.url });
    expect(cleared.status).toBe(303);
    expect(cleared.headers.get('location')).toBe('/dev/outbox');
    expect(app.services.outbox!.list()).toEqual([]);
    const html = await (await fetch(`${app.url}/dev/outbox`)).text();
    expect(html).toContain('No messages yet.');
  });
});

describe('with OUTBOX=false', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { DATABASE_URL: db.url, OUTBOX: 'false' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has no outbox and no outbox pages', async () => {
    expect(app.config.outbox).toBe(false);
    expect(app.services.outbox).toBeUndefined();
    expect(app.services.sms).toBeUndefined();
    expect((await fetch(`${app.url}/dev/outbox`)).status).toBe(404);
    expect((await fetch(`${app.url}/dev/outbox/clear`, { method: 'POST', body: 'csrf=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(404);
  });
});

describe('the demo page', () => {
  it('links to the outbox when it is on, and only then', async () => {
    for (const outbox of [true, false]) {
      const app = await startTestApp({ demo: true, env: { DATABASE_URL: db.url, OUTBOX: String(outbox) } });
      try {
        const html = await (await fetch(`${app.url}/demo`)).text();
        expect(html.includes('<a href="/dev/outbox" id="outbox-link">See the e-mails and text messages Twofold sent</a>'), `OUTBOX=${outbox}`).toBe(outbox);
      } finally {
        await app.close();
      }
    }
  });
});
