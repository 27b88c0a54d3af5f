// Security keys and the organisation policy, with Chrome's virtual authenticator: a key set up
// inside the sign-in when it is the only method the organisation allows, then used in My
// profile as the proof to turn two-step verification off.
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

describe('security keys and the organisation policy', () => {
  it('a key is set up inside the sign-in, then proves it is the user when 2FA is turned off', async () => {
    const user = await createUser(app.services);
    await app.services.organisations.savePolicy(user.organisationId, { mode: 'required', allowedMethods: ['webauthn'] });
    const issuer = app.config.issuer;
    const page = await browser.page();
    await addVirtualAuthenticator(page);

    const request = await authorizationRequest(rp, client);
    await page.goto(request.url.href);
    await submitPasswordForm(page, user);
    await page.getByText('Your organisation requires two-step verification').waitFor();
    await page.getByRole('button', { name: 'Add security key or passkey' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.waitForURL((url) => url.href.startsWith(client.redirectUri));
    expect((await exchange(rp, request, page.url())).claims()).toMatchObject({ amr: ['pwd', 'hwk', 'user', 'mfa'] });
    expect((await app.services.factors.findByAccount(user.id)).map((f) => f.kind)).toEqual(['webauthn']);

    // the organisation makes it optional: the user turns it off with the key
    await app.services.organisations.savePolicy(user.organisationId, { mode: 'optional' });
    await page.goto(`${issuer}/account/two-step/off`);
    await page.getByLabel('Code or recovery code').waitFor();
    await page.getByRole('link', { name: 'Use my security key or passkey instead' }).click();
    await page.getByRole('button', { name: 'Use my security key or passkey' }).click();
    await page.waitForURL(`${issuer}/account`);
    await page.getByText('Two-step verification is off: all your methods and recovery codes were removed').waitFor();
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(0);
    const [disabled] = await app.services.audit.findRecent({ accountId: user.id, type: 'twofactor.disabled' });
    expect(disabled!.details).toMatchObject({ provenWith: 'webauthn' });
  });
});
