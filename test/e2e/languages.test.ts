// Pages and e-mails in the user's language: German from the browser's Accept-Language, Dutch
// from the app's ui_locales (which wins over Accept-Language), English otherwise. Through the
// real pages with openid-client as the relying party; e-mail from a real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { manualClock } from '../../src/clock.js';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, type oidc, submitPassword } from '../support/relying-party.js';
import { codeIn, startInbox, type Inbox } from '../support/smtp-inbox.js';
import { createUserAgent, type Step } from '../support/user-agent.js';

const clock = manualClock(Date.now());
let app: TestApp;
let inbox: Inbox;
let client: TestClient;
let rp: oidc.Configuration;

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ clock, env: { SMTP_URL: inbox.url, MAIL_FROM: 'Twofold <no-reply@twofold.test>', OUTBOX: 'false' } });
  client = await createClient(app.services, { name: 'Lohnbuchhaltung' });
  rp = await discover(app.url, client);
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
});

const german = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.8' };
const lang = (page: Step) => /<html lang="([^"]+)"/.exec(page.body)?.[1];
const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' });

async function withTotp(user: { id: string }): Promise<string> {
  const secret = app.services.totp.newSecret();
  const id = crypto.randomUUID();
  await app.services.factors.save({ id, accountId: user.id, kind: 'totp', label: '', secretSealed: app.services.box.seal(secret, totpSecretContext(id)) });
  return secret;
}

describe('German from Accept-Language', () => {
  it('shows the sign-in page, its errors, the second-factor page and the code e-mail in German', async () => {
    const user = await createUser(app.services);
    await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    const ua = createUserAgent({ headers: german });
    const request = await authorizationRequest(rp, client);
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    expect(page.status).toBe(200);
    expect(lang(page)).toBe('de');
    expect(page.headers.get('content-language')).toBe('de');
    expect(page.headers.get('vary')).toMatch(/accept-language/i);
    expect(page.body).toContain('<title>Anmelden · Twofold</title>');
    expect(page.body).toContain('Bei Lohnbuchhaltung anmelden');
    expect(page.body).toContain('<label for="email">E-Mail-Adresse</label>');
    expect(page.body).toContain('Abbrechen und zu Lohnbuchhaltung zurückkehren');
    expect(page.body).not.toContain('Sign in');

    const wrong = await submitPassword(ua, page, user.email, 'not the password', client.redirectUri);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('E-Mail-Adresse oder Passwort ist nicht korrekt.');

    const factor = await submitPassword(ua, wrong, user.email, user.password, client.redirectUri);
    expect(lang(factor)).toBe('de');
    expect(factor.body).toContain('Bestätigen Sie, dass Sie es sind');
    expect(factor.body).toMatch(/Wir haben einen 6-stelligen Code an \w•••@example\.com gesendet\. Er ist 90 Sekunden gültig\./);
    expect(factor.body).toContain('Keine E-Mail erhalten?');

    const mail = await inbox.next(user.email);
    expect(mail.subject).toBe('Ihr Anmeldecode für Twofold');
    expect(mail.text).toContain('Geben Sie diesen Code ein, um die Anmeldung bei Lohnbuchhaltung abzuschließen:');
    expect(mail.text).toContain('Der Code funktioniert einmal und ist 90 Sekunden gültig.');
    expect(mail.text).toContain('Dies ist eine automatische Nachricht von Twofold.');
    expect(mail.html).toContain('<html lang="de">');
    expect(mail.html).toContain('ändern Sie jetzt Ihr Passwort');

    const code = codeIn(mail);
    const mistyped = await ua.submit(factor, /\/factor$/, { code: code === '123456' ? '654321' : '123456' }, client.redirectUri);
    expect(mistyped.status).toBe(401);
    expect(mistyped.body).toContain('Dieser Code ist nicht korrekt.');
    expect(mistyped.body).toContain('Noch 6 Versuche.');
    const done = await ua.submit(mistyped, /\/factor$/, { code }, client.redirectUri);
    expect((await exchange(rp, request, done.location!)).claims()).toMatchObject({ sub: user.id, acr: 'urn:twofold:acr:mfa' });
  });

  it('shows our error pages and oidc-provider’s own pages in German', async () => {
    const ua = createUserAgent({ headers: german });
    const missing = await ua.request(`${app.url}/no-such-page`);
    expect(missing.status).toBe(404);
    expect(lang(missing)).toBe('de');
    expect(missing.body).toContain('<title>Fehler: Seite nicht gefunden · Twofold</title>');
    expect(missing.body).toContain('Unter dieser Adresse gibt es keine Seite.');
    expect(missing.body).toContain('Fehlercode: <code>not_found</code>');

    // an authorization request with a return address the app never registered: oidc-provider's error page
    const bad = await authorizationRequest(rp, client, { redirect_uri: 'http://127.0.0.1:1/elsewhere' });
    const error = await ua.follow(bad.url.href);
    expect(error.status).toBe(400);
    expect(lang(error)).toBe('de');
    expect(error.body).toContain('Diese App hat Sie an die falsche Stelle geschickt');

    // logout with nobody signed in: oidc-provider's self-posting form, its text for browsers without JavaScript
    const selfPosting = await ua.follow(`${app.url}/session/end`);
    expect(selfPosting.status).toBe(200);
    expect(lang(selfPosting)).toBe('de');
    expect(selfPosting.body).toContain('<title>Einen Moment · Twofold</title>');
    expect(selfPosting.body).toContain('<button autofocus type="submit">Weiter</button>');
    expect(selfPosting.body).not.toMatch(/Submitting|Continue|disabled it/);
  });

  it("puts the self-posting answer of response_mode=form_post in the sign-in's language", async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent({ headers: german });
    const request = await authorizationRequest(rp, client, { response_mode: 'form_post', ui_locales: 'nl' });
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    const answer = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(`<form method="post" action="${client.redirectUri}">`);
    expect(answer.body).toMatch(/<input type="hidden" name="code" value="[^"]+"\/>/);
    expect(lang(answer)).toBe('nl');
    expect(answer.body).toContain('<title>Een moment · Twofold</title>');
    expect(answer.body).toContain('<button autofocus type="submit">Doorgaan</button>');
  });

  it('shows the profile in German, with dates written the German way', async () => {
    const user = await createUser(app.services);
    const secret = await withTotp(user);
    const ua = createUserAgent({ headers: german });
    const signIn = await ua.follow(`${app.url}/account`);
    expect(lang(signIn)).toBe('de');
    // our own profile's client is named in German too
    expect(signIn.body).toContain('Bei Twofold-Konto anmelden');
    const next = await ua.submit(signIn, /\/login$/, { email: user.email, password: user.password });
    const profile = next.body.includes('name="code"') ? await ua.submit(next, /\/factor$/, { code: await totpCode(secret) }) : next;
    expect(lang(profile)).toBe('de');
    expect(profile.body).toContain('<h1>Mein Profil</h1>');
    expect(profile.body).toContain('Zwei-Faktor-Authentifizierung');
    const today = new Intl.DateTimeFormat('de-DE', { day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());
    expect(today).toMatch(/^\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}$/);
    expect(profile.body).toContain(`Hinzugefügt am ${today}`);

    // oidc-provider's logout confirmation and signed-out pages
    const logout = await ua.follow(`${app.url}/session/end`);
    expect(lang(logout)).toBe('de');
    expect(logout.body).toContain('Von Twofold abmelden?');
    expect(logout.body).toContain('Angemeldet bleiben');
    const done = await ua.submit(logout, /\/session\/end\/confirm$/, { logout: 'yes' });
    expect(lang(done)).toBe('de');
    expect(done.body).toContain('Sie sind abgemeldet');
  });
});

describe('Dutch from ui_locales', () => {
  it('wins over Accept-Language on the sign-in page, the second-factor page and its errors', async () => {
    const user = await createUser(app.services);
    const secret = await withTotp(user);
    const ua = createUserAgent({ headers: german });
    const request = await authorizationRequest(rp, client, { ui_locales: 'fr nl' });
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    expect(lang(page)).toBe('nl');
    expect(page.body).toContain('<title>Inloggen · Twofold</title>');
    expect(page.body).toContain('Inloggen bij Lohnbuchhaltung');
    expect(page.body).toContain('<label for="password">Wachtwoord</label>');

    // the POST carries no ui_locales: the sign-in remembers the app's
    const factor = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
    expect(lang(factor)).toBe('nl');
    expect(factor.body).toContain('Bevestig dat jij het bent');
    expect(factor.body).toContain('Open je authenticator-app en vul de code van 6 cijfers in die de app voor Twofold toont.');

    const wrong = await ua.submit(factor, /\/factor$/, { code: '12' }, client.redirectUri);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Vul de 6 cijfers van de code in.');
    const done = await ua.submit(wrong, /\/factor$/, { code: await totpCode(secret) }, client.redirectUri);
    expect(done.location?.startsWith(client.redirectUri)).toBe(true);
  });

  it('shows oidc-provider’s error page and logout pages in Dutch when the request asks for nl', async () => {
    const ua = createUserAgent({ headers: german });
    const bad = await authorizationRequest(rp, client, { redirect_uri: 'http://127.0.0.1:1/elsewhere', ui_locales: 'nl' });
    const error = await ua.follow(bad.url.href);
    expect(error.status).toBe(400);
    expect(lang(error)).toBe('nl');
    expect(error.body).toContain('<title>Fout: Deze app heeft je naar de verkeerde plek gestuurd · Twofold</title>');
    expect(error.body).toContain('terugkeeradres');
    expect(error.body).toContain('Foutcode: <code>invalid_redirect_uri</code>');

    const selfPosting = await ua.follow(`${app.url}/session/end?ui_locales=nl`);
    expect(lang(selfPosting)).toBe('nl');
    expect(selfPosting.body).toContain('<title>Een moment · Twofold</title>');
    expect(selfPosting.body).toContain('JavaScript staat uit in deze browser');
  });

  it('sends the code e-mail in Dutch', async () => {
    const user = await createUser(app.services);
    await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    const ua = createUserAgent();
    const request = await authorizationRequest(rp, client, { ui_locales: 'nl-BE' });
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    const factor = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
    expect(factor.body).toContain('We hebben een code van 6 cijfers naar');
    const mail = await inbox.next(user.email);
    expect(mail.subject).toBe('Je inlogcode voor Twofold');
    expect(mail.text).toContain('De code werkt één keer en is 90 seconden geldig.');
    expect(mail.html).toContain('<html lang="nl">');
  });
});

describe('English', () => {
  it('is the default without a supported language, and discovery lists the languages', async () => {
    const ua = createUserAgent({ headers: { 'accept-language': 'fr-FR, ja;q=0.5' } });
    const request = await authorizationRequest(rp, client);
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    expect(lang(page)).toBe('en');
    expect(page.body).toContain('Sign in to Lohnbuchhaltung');
    const discovery = (await (await fetch(`${app.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery['ui_locales_supported']).toEqual(['en', 'de', 'nl']);
  });
});
