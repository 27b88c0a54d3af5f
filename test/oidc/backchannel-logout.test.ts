// Back-Channel Logout 1.0: an app that registered a backchannel_logout_uri is sent a signed
// logout token when its user's session ends, by RP-initiated logout (oidc-provider) and by
// "sign out everywhere" / "sign out other sessions" (ours). The app here is a real HTTP endpoint
// that verifies each token as the spec says: signature against the issuer's JWKS, iss, aud, iat,
// the back-channel logout event, sid, and no nonce.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackUrl } from '../../src/oidc/provider.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { discover, oidc, signIn } from '../support/relying-party.js';
import { createUserAgent } from '../support/user-agent.js';

const logoutEvent = 'http://schemas.openid.net/event/backchannel-logout';
let app: TestApp;
let rpServer: Server;
let received: JWTPayload[] = [];
/** answer 503 to this many requests before accepting again */
let failuresLeft = 0;
let attempts = 0;
let client: TestClient;
let rp: oidc.Configuration;

beforeAll(async () => {
  app = await startTestApp();
  const jwks = createRemoteJWKSet(new URL(`${app.url}/jwks`));
  rpServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', async () => {
      attempts++;
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(503).end();
        return;
      }
      try {
        const token = new URLSearchParams(body).get('logout_token') ?? '';
        const { payload } = await jwtVerify(token, jwks, { issuer: app.url, audience: client.clientId, typ: 'logout+jwt' });
        if (!(payload['events'] as Record<string, unknown>)?.[logoutEvent] || 'nonce' in payload || typeof payload['sid'] !== 'string') throw new Error('not a logout token');
        received.push(payload);
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => rpServer.listen(0, '127.0.0.1', resolve));
  const uri = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}/backchannel-logout`;
  client = await createClient(app.services, { metadata: { backchannel_logout_uri: uri, backchannel_logout_session_required: true } });
  rp = await discover(app.url, client);
});
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => rpServer?.close(resolve));
});

const sidOf = (idToken: string) => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString())['sid'] as string;

describe('back-channel logout', () => {
  it('is announced in discovery', async () => {
    const meta = rp.serverMetadata();
    expect(meta.backchannel_logout_supported).toBe(true);
    expect(meta.backchannel_logout_session_supported).toBe(true);
  });

  it('tells the app on RP-initiated logout, with the sid of its ID token', async () => {
    received = [];
    const user = await createUser(app.services);
    const ua = createUserAgent();
    const { tokens } = await signIn(ua, rp, client, user);
    const logoutUrl = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: client.postLogoutRedirectUri });
    await ua.submit(await ua.follow(logoutUrl.href), /\/session\/end\/confirm$/, { logout: 'yes' }, client.postLogoutRedirectUri);
    await eventually(
      async () => received.length,
      (n) => n >= 1,
    );
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ sub: user.id, sid: sidOf(tokens.id_token!) });
  });

  it('tells the app of every session that "sign out everywhere" ends, once each', async () => {
    received = [];
    const user = await createUser(app.services);
    const a = await signIn(createUserAgent(), rp, client, user);
    const b = await signIn(createUserAgent(), rp, client, user);
    await app.services.accountSessions.endEverywhere(user.id);
    await eventually(
      async () => received.length,
      (n) => n >= 2,
    );
    expect(received).toHaveLength(2);
    expect(received.map((p) => p['sid']).sort()).toEqual([sidOf(a.tokens.id_token!), sidOf(b.tokens.id_token!)].sort());
    expect(received.every((p) => p.sub === user.id)).toBe(true);
    // the sessions are gone: nothing more to tell
    await app.services.accountSessions.endEverywhere(user.id);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toHaveLength(2);
  });

  it('tells the app of the other sessions, not of the one kept', async () => {
    received = [];
    const user = await createUser(app.services);
    const keptUa = createUserAgent();
    await signIn(keptUa, rp, client, user);
    const other = await signIn(createUserAgent(), rp, client, user);
    // the kept browser's session id: its session cookie
    const cookies = await keptUa.jar.getCookies(app.url);
    const keptId = cookies.find((c) => c.key === 'twofold.session')!.value;
    const ended = await app.services.accountSessions.endOthers(user.id, keptId);
    expect(ended).toBe(1);
    await eventually(
      async () => received.length,
      (n) => n >= 1,
    );
    expect(received).toHaveLength(1);
    expect(received[0]!['sid']).toBe(sidOf(other.tokens.id_token!));
  });

  it('tries again, later, when the app does not answer 200', async () => {
    received = [];
    attempts = 0;
    failuresLeft = 1;
    const user = await createUser(app.services);
    await signIn(createUserAgent(), rp, client, user);
    await app.services.accountSessions.endEverywhere(user.id);
    await eventually(
      async () => received.length,
      (n) => n >= 1,
      5000,
    );
    expect(received).toHaveLength(1);
    expect(attempts).toBe(2);
  });
});

describe('outgoing requests to loopback', () => {
  it('are allowed on an http (development) issuer only', () => {
    expect(isLoopbackUrl('http://127.0.0.1:4000/bc')).toBe(true);
    expect(isLoopbackUrl('http://localhost/bc')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:80/bc')).toBe(true);
    expect(isLoopbackUrl('https://127.example.com/bc')).toBe(false);
    expect(isLoopbackUrl('http://10.0.0.1/bc')).toBe(false);
  });
});
