// The reference for password sign-ins: how close a full sign-in can get to the argon2id limit
// with oidc-provider at all. oidc-provider as it comes (same version as Twofold's, its default
// in-memory adapter, one static confidential client, PKCE) plus the least a password sign-in
// needs: a sign-in page that is a string, and a POST that runs ONE argon2id verification with
// the production parameters, records the login and a grant, and sends the browser back to the
// authorization endpoint (oidc-provider's example, login and consent in one step). No Twofold
// code in the request path: no Redis, no Postgres, no CSRF token, no templates, no rate limits.
//
// What it keeps equal to Twofold so that the protocol work is the same: signed cookies, an
// RS256 ID token (2048-bit key) carrying sub, email, email_verified, name, acr, amr, auth_time,
// an opaque access token and a refresh token from the token endpoint, PKCE S256 required.
// Started by bench/run.ts, in its own process like bench/server.ts.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hash, verify } from '@node-rs/argon2';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { argon2Params } from '../src/passwords/hasher.js';
import { reportFailure, serveParent } from './ipc.js';

interface Account {
  id: string;
  email: string;
  name: string;
}

/** Twofold's acr for a password alone (src/oidc/authentication.ts), as a plain string. */
const passwordAcr = 'urn:twofold:acr:pwd';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (uid: string, error?: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Sign in</title></head><body>${error ? `<p>${escapeHtml(error)}</p>` : ''}` +
  `<form method="post" action="/interaction/${escapeHtml(uid)}/login"><input name="email" type="email" autocomplete="username">` +
  `<input name="password" type="password" autocomplete="current-password"><button>Sign in</button></form></body></html>`;

function send(res: ServerResponse, status: number, body: string) {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

/** An urlencoded form body, at most 8 KiB. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 8192) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function main() {
  const accounts = new Map<string, Account>();
  const byEmail = new Map<string, Account>();
  for (const [i, u] of (JSON.parse(process.env.BENCH_SIGNIN_USERS!) as Array<{ id: string; email: string }>).entries()) {
    const account = { id: u.id, email: u.email, name: `Bench User ${i}` };
    accounts.set(account.id, account);
    byEmail.set(account.email, account);
  }
  // one hash for every account, made once: each sign-in verifies against it once
  const passwordHash = await hash(process.env.BENCH_SIGNIN_PASSWORD!, argon2Params);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'bench-rs256', alg: 'RS256', use: 'sig' };

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const configuration: Configuration = {
    clients: [
      {
        client_id: process.env.BENCH_CLIENT_ID!,
        client_secret: process.env.BENCH_CLIENT_SECRET!,
        redirect_uris: [process.env.BENCH_REDIRECT_URI!],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] } as Configuration['jwks'],
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: account.id, claims: async () => ({ sub: account.id, email: account.email, email_verified: true, name: account.name }) };
    },
    claims: { openid: ['sub', 'auth_time', 'acr', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    acrValues: [passwordAcr],
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    // as Twofold: any client allowed the refresh_token grant gets one
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: { devInteractions: { enabled: false } },
  };
  const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
  const oidc = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, 'interaction mismatch');
    if (req.method === 'GET' && !action) return send(res, 200, page(uid));
    if (req.method !== 'POST' || action !== 'login') return send(res, 404, 'not found');

    const form = await readForm(req);
    const account = byEmail.get(form.get('email') ?? '');
    const ok = await verify(passwordHash, form.get('password') ?? '');
    if (!account || !ok) return send(res, 401, page(uid, 'Wrong e-mail address or password'));

    // consent as in oidc-provider's example: a grant for what the client asked for
    const grant = new provider.Grant({ accountId: account.id, clientId: String(details.params['client_id']) });
    grant.addOIDCScope(String(details.params['scope'] ?? 'openid'));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: account.id, amr: ['pwd'], acr: passwordAcr, remember: true }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  let httpRequests = 0;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    httpRequests++;
    const m = /^\/interaction\/([\w-]+)(?:\/(\w+))?$/.exec(req.url ?? '');
    if (!m) return void oidc(req, res);
    interaction(req, res, m[1]!, m[2]).catch((err: unknown) => {
      if (!res.headersSent) send(res, 400, (err as Error)?.message ?? 'error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;

  serveParent(
    port,
    async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    () => ({ httpRequests }),
  );
}

main().catch(reportFailure);
