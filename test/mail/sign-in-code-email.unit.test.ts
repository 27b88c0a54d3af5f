// The sign-in code e-mail: the code in both parts but never in the subject, the validity in
// words, who asked when known, HTML that loads nothing from elsewhere and escapes what it shows.
import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n, type Translator } from '../../src/i18n/i18n.js';
import { renderEmail, validity } from '../../src/mail/emails.js';

let tr: Translator;

beforeAll(async () => {
  tr = (await createI18n()).forLanguage('en');
});

describe('sign-in-code e-mail', () => {
  it('puts the code in the body of both parts, not in the subject', () => {
    const mail = renderEmail('sign-in-code', tr, { code: '493817', validSeconds: 90 });
    expect(mail.subject).toBe('Your Twofold sign-in code');
    expect(mail.subject).not.toMatch(/\d/);
    expect(mail.text).toContain('    493817\n');
    expect(mail.html).toMatch(/>493817<\/p>/);
    expect(mail.text).toContain('The code works once, for 90 seconds.');
    expect(mail.html).toContain('The code works once, for 90 seconds.');
    expect(mail.text).toContain('change your password');
    expect(mail.html).toContain('change your password');
  });

  it('says who asked, when known, and names the app', () => {
    const both = renderEmail('sign-in-code', tr, { code: '111111', validSeconds: 300, browser: 'Firefox on Windows', ip: '203.0.113.7', client: 'Billing' });
    expect(both.text).toContain('Someone asked for it from Firefox on Windows, IP address 203.0.113.7.');
    expect(both.text).toContain('finish signing in to Billing');
    expect(both.text).toContain('for 5 minutes');
    expect(renderEmail('sign-in-code', tr, { code: '1', validSeconds: 90, ip: '203.0.113.7' }).text).toContain('Someone asked for it from IP address 203.0.113.7.');
    const none = renderEmail('sign-in-code', tr, { code: '1', validSeconds: 90 });
    expect(none.text).not.toContain('Someone asked');
    expect(none.html).not.toContain('Someone asked');
  });

  it('has a plain text part without markup or HTML escapes, and no blank-line runs', () => {
    const mail = renderEmail('sign-in-code', tr, { code: '493817', validSeconds: 90, browser: 'Safari <iOS> & "friends"' });
    expect(mail.text).toContain('Safari <iOS> & "friends"');
    expect(mail.text).not.toContain('&amp;');
    expect(mail.text).not.toMatch(/\n{3,}/);
    expect(mail.text).not.toMatch(/<\/?(p|div|br|table|td|span|h1)\b/i);
    expect(mail.text).toMatch(/^Enter this code to finish signing in to Twofold:\n\n {4}493817\n\nThe code works once/);
    expect(mail.text).toMatch(/\n\n-- \nThis is an automatic message from Twofold\. Replies to it are not read\.\n$/);
  });

  it('escapes what it shows in HTML and loads nothing from elsewhere', () => {
    const mail = renderEmail('sign-in-code', tr, { code: '493817', validSeconds: 90, browser: '<img src=x onerror=alert(1)>', client: '<b>Evil</b>' });
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).not.toContain('<b>Evil</b>');
    expect(mail.html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(mail.html).not.toMatch(/<(script|link|iframe|object|img)\b/i);
    expect(mail.html).toMatch(/^<!doctype html>\n<html lang="en">/);
  });

  it('writes whole minutes as minutes and anything else as seconds', () => {
    expect(validity(tr, 1)).toBe('1 second');
    expect(validity(tr, 90)).toBe('90 seconds');
    expect(validity(tr, 60)).toBe('1 minute');
    expect(validity(tr, 600)).toBe('10 minutes');
  });

  it('is written in the translator’s language, our own profile named in it too', async () => {
    const i18n = await createI18n();
    const de = renderEmail('sign-in-code', i18n.forLanguage('de'), { code: '493817', validSeconds: 300, browser: 'Firefox', ip: '203.0.113.7', client: 'Twofold account' });
    expect(de.subject).toBe('Ihr Anmeldecode für Twofold');
    expect(de.text).toMatch(/^Geben Sie diesen Code ein, um die Anmeldung bei Twofold-Konto abzuschließen:\n\n {4}493817\n/);
    expect(de.text).toContain('Der Code funktioniert einmal und ist 5 Minuten gültig.');
    expect(de.text).toContain('Der Code wurde von Firefox aus angefordert, IP-Adresse 203.0.113.7.');
    expect(de.html).toMatch(/^<!doctype html>\n<html lang="de">/);
    expect(de.html).toContain('<title>Ihr Anmeldecode für Twofold</title>');
    const nl = renderEmail('sign-in-code', i18n.forLanguage('nl'), { code: '493817', validSeconds: 60, ip: '203.0.113.7' });
    expect(nl.subject).toBe('Je inlogcode voor Twofold');
    expect(nl.text).toContain('De code werkt één keer en is 1 minuut geldig.');
    expect(nl.text).toContain('Iemand heeft hem aangevraagd vanaf IP-adres 203.0.113.7.');
    expect(nl.text).toMatch(/\n-- \nDit is een automatisch bericht van Twofold\. Antwoorden hierop worden niet gelezen\.\n$/);
    expect(nl.html).toMatch(/^<!doctype html>\n<html lang="nl">/);
  });
});
