// Security keys and passkeys through our real pages, with Chrome's virtual authenticator:
// added from My profile, then used to sign in to an app (openid-client checks the tokens); an
// authenticator whose counter went backwards (a clone) is refused and audited.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { addVirtualAuthenticator, startCallbackServer, submitPasswordForm, useBrowser } from '../support/browser.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, type oidc } from '../support/relying-party.js';

let app: TestApp;
let callbacks: Awaited<ReturnType<typeof startCallbackServer>>;
let client: TestClient;
let rp: oidc.Configuration;
const browser = useBrowser();

beforeAll(async () => {
  // WebAuthn needs a domain as relying-party id (not an IP address): the issuer is localhost
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  app = await startTestApp({ server, env: { ISSUER: `http://localhost:${(server.address() as AddressInfo).port}` } });
  callbacks = await startCallbackServer();
  client = await createClient(app.services, { redirectUri: `${callbacks.url}/callback` });
  rp = await discover(app.config.issuer, client);
});
afterAll(async () => {
  await callbacks?.close();
  await app?.close();
});

describe('security keys and passkeys', () => {
  it('are added from My profile and sign in to an app; amr says hwk and mfa', async () => {
    const user = await createUser(app.services);
    const issuer = app.config.issuer;
    const page = await browser.page();
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

    await page.goto(`${issuer}/account/add/webauthn`);
    await submitPasswordForm(page, user);
    await page.waitForURL(`${issuer}/account/add/webauthn`);
    await page.getByLabel('Name for this key (optional)').fill('My test key');
    await page.getByRole('button', { name: 'Add security key or passkey' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.waitForURL(`${issuer}/account`);
    await expect(page.getByText('My test key').count()).resolves.toBeGreaterThan(0);
    const [factor] = await app.services.factors.findByAccount(user.id);
    expect(factor).toMatchObject({ kind: 'webauthn', label: 'My test key', deviceType: 'singleDevice' });

    // a fresh sign-in to the app: password, chooser (key preselected), the key, back to the app
    const request = await authorizationRequest(rp, client, { prompt: 'login' });
    await page.goto(request.url.href);
    await submitPasswordForm(page, user);
    await page.getByRole('heading', { name: 'Choose a way to confirm' }).waitFor();
    await expect(page.getByLabel('Security key or passkey').isChecked()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Continue' }).click();
    // the key page offers "Remember this device" first, so the key is asked for on a click
    await page.getByRole('button', { name: 'Use my security key or passkey' }).click();
    await page.waitForURL((url) => url.href.startsWith(client.redirectUri));
    const tokens = await exchange(rp, request, page.url());
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ['pwd', 'hwk', 'user', 'mfa'], acr: 'urn:twofold:acr:mfa' });
    const counted = (await app.services.factors.findByAccount(user.id))[0]!;
    expect(counted.signCount).toBeGreaterThan(factor!.signCount!);

    // a clone of the key whose counter is behind: refused, audited, the page says so
    const [original] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: original!.credentialId });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: {
        credentialId: original!.credentialId,
        isResidentCredential: original!.isResidentCredential,
        rpId: original!.rpId!,
        privateKey: original!.privateKey,
        userHandle: original!.userHandle!,
        signCount: 0,
      },
    });
    await app.services.db.query('UPDATE factors SET sign_count = 1000 WHERE id = $1', [factor!.id]);
    const again = await authorizationRequest(rp, client, { prompt: 'login' });
    await page.goto(again.url.href);
    await submitPasswordForm(page, user);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Use my security key or passkey' }).click();
    await page.getByText('could not be verified').waitFor();
    expect(page.url()).toContain('/interaction/');
    const audited = await app.services.audit.findRecent({ accountId: user.id, type: 'signin.failed' });
    expect(audited.some((e) => e.details['method'] === 'webauthn')).toBe(true);
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'webauthn.counter_regression' })).toHaveLength(1);
  });
});
