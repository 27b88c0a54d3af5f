// User activity on our own pages extends the sign-in session, as authorization requests do
// inside oidc-provider (notes §1: interactionDetails() only reads the session). Touching
// re-saves the session with a fresh idle TTL and re-issues its cookie with the new expiry, so
// the browser and the store agree. An expired session is never resurrected.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { cookieNames } from './cookies.js';
import type { SessionIdleLimits } from './session-idle.js';
import { sessionTtl } from './session-ttl.js';

export interface SessionActivityOptions {
  /** the idle limit of each account's sessions (its organisation's, or the server's) */
  idleLimits: SessionIdleLimits;
  maxSeconds: number;
  secureCookies: boolean;
  nowSeconds: () => number;
}

export interface ActiveSession {
  accountId: string;
  /** when the user last signed in (epoch seconds) */
  loginTs: number | undefined;
  /** the session's stable id (the cookie's value changes; this does not) */
  uid: string;
  amr: string[];
  /** what the sign-in proved (urn:twofold:acr:…) */
  acr: string | undefined;
  /** after how long without activity this session ends (its organisation's limit, or the server's) */
  idleSeconds: number;
}

/** Extend the browser's signed-in session, if it has one, and say whose it is. */
export async function touchSession(ctx: Context, provider: Provider, opts: SessionActivityOptions): Promise<ActiveSession | undefined> {
  // `new` and `id` exist at runtime (lib/models/session.js) but not in @types/oidc-provider
  const session = (await provider.Session.get(ctx)) as Awaited<ReturnType<Provider['Session']['get']>> & { new?: boolean; id: string };
  if (session.new || !session.accountId) return undefined;
  const idleSeconds = await opts.idleLimits.prepare(session.accountId);
  const ttl = sessionTtl({ loginTs: session.loginTs, now: opts.nowSeconds(), idleSeconds, maxSeconds: opts.maxSeconds });
  await session.save(ttl);
  if (!session.transient) {
    ctx.cookies.set(cookieNames(opts.secureCookies).session, session.id, {
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure: opts.secureCookies,
      path: '/',
      overwrite: true,
      expires: new Date((session.exp ?? opts.nowSeconds() + ttl) * 1000),
    });
  }
  return { accountId: session.accountId, loginTs: session.loginTs, uid: session.uid, amr: session.amr ?? [], acr: session.acr, idleSeconds };
}
