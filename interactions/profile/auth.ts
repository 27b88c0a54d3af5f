// Who is looking at the profile. The profile is our own page, so it uses the sign-in session
// directly (and counts as activity: touchSession). A browser without one is sent through an
// ordinary authorization request of the internal account client; the callback checks the code
// was issued to that client for this browser (state cookie, PKCE verifier) and consumes it
// without a token exchange: the only purpose of the round trip is the sign-in.
// Changes to second factors want a recent sign-in (prompt=login when the last one is older than
// ten minutes), as the field guides expect.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { accountClientId } from '../../src/oidc/account-client.js';
import { acr } from '../../src/oidc/authentication.js';
import { touchSession, type ActiveSession } from '../../src/oidc/session-activity.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { InteractionDeps } from '../context.js';

export const recentSignInSeconds = 10 * 60;

const cookieName = 'twofold.account-signin';
const b64url = (b: Buffer) => b.toString('base64url');

export interface ProfileViewer {
  account: Account;
  session: ActiveSession;
}

/** The signed-in viewer, or undefined after redirecting the browser to sign in. */
export async function requireViewer(ctx: Context, deps: InteractionDeps, opts: { recent?: boolean } = {}): Promise<ProfileViewer | undefined> {
  const { config, clock } = deps;
  const session = await touchSession(ctx, deps.provider(), {
    idleLimits: deps.sessionIdle,
    maxSeconds: config.session.maxSeconds,
    secureCookies: config.secureCookies,
    nowSeconds: () => Math.floor(clock.now() / 1000),
  });
  const account = session ? await deps.accounts.findById(session.accountId) : undefined;
  const returnTo = ctx.method === 'GET' ? ctx.originalUrl : '/account';
  if (!session || !account || account.disabledAt) {
    await startSignIn(ctx, deps, { returnTo });
    return undefined;
  }
  const age = Math.floor(clock.now() / 1000) - (session.loginTs ?? 0);
  if (opts.recent && age > recentSignInSeconds) {
    await startSignIn(ctx, deps, { returnTo, fresh: true });
    return undefined;
  }
  return { account, session };
}

/** Where a sign-in may return to: our own profile and admin console pages, nothing else. */
const returnable = /^\/(account|admin)(\/|\?|$)/;

/**
 * Send the browser through an authorization request of the account client. `mfa` asks for
 * acr_values=urn:twofold:acr:mfa: a session with a password alone is stepped up (the admin console).
 */
export async function startSignIn(ctx: Context, deps: InteractionDeps, opts: { returnTo: string; fresh?: boolean; mfa?: boolean }): Promise<void> {
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const returnTo = returnable.test(opts.returnTo) ? opts.returnTo : '/account';
  ctx.cookies.set(cookieName, JSON.stringify({ verifier, state, returnTo }), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.secureCookies,
    path: '/account',
    maxAge: 30 * 60 * 1000,
  });
  const url = new URL(`${deps.config.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: accountClientId,
    response_type: 'code',
    redirect_uri: `${deps.config.issuer}/account/callback`,
    scope: 'openid',
    state,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    // prompt=login rather than max_age: a fresh sign-in is asked for whatever the clocks of the
    // replicas say, so the profile cannot bounce between "too old" and "fine"
    ...(opts.fresh ? { prompt: 'login' } : {}),
    ...(opts.mfa ? { acr_values: acr.mfa } : {}),
    ...(ctx.query['ui_locales'] ? { ui_locales: String(ctx.query['ui_locales']) } : {}),
  }).toString();
  ctx.redirect(url.href);
}

/** The authorization response: check it belongs to this browser's request, consume the code. */
export async function finishSignIn(ctx: Context, deps: InteractionDeps): Promise<void> {
  const raw = ctx.cookies.get(cookieName, { signed: true });
  ctx.cookies.set(cookieName, null, { path: '/account', secure: deps.config.secureCookies });
  const pending = raw ? (JSON.parse(raw) as { verifier: string; state: string; returnTo: string }) : undefined;
  const code = typeof ctx.query['code'] === 'string' ? ctx.query['code'] : undefined;
  if (!pending || ctx.query['state'] !== pending.state || !code) {
    // an error from the sign-in (cancelled) or a stale link: back to the profile, which asks again
    ctx.redirect('/account/signed-out');
    return;
  }
  const issued = await deps.provider().AuthorizationCode.find(code);
  const challenge = b64url(createHash('sha256').update(pending.verifier).digest());
  if (!issued || issued.clientId !== accountClientId || issued.codeChallenge !== challenge || (issued as { consumed?: unknown }).consumed) {
    ctx.redirect('/account/signed-out');
    return;
  }
  await issued.destroy();
  ctx.redirect(pending.returnTo);
}
