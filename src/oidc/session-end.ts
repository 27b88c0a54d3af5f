// Why a sign-in session ended, told at the next sign-in ("You were signed out after 5 minutes
// without activity"). A session that expires in the store tells nobody, and the browser drops
// its cookie at the same moment, so two small things outlive it:
// - a marker in the short-lived store, keyed by the SHA-256 of the session id (never the id),
//   written with every save of a signed-in session (each save is activity): the account, the
//   sign-in time and when the session would expire; it lives a day past the absolute lifetime;
// - a cookie with that hash, set whenever the session cookie is, living as long as the marker.
// A deliberate end (logout, a new sign-in replacing the session) destroys the session through
// the adapter, which deletes the marker: only an expiry is ever reported. Reading the marker
// tells idle from absolute: a session whose expiry was its sign-in time plus the absolute
// lifetime reached that lifetime; any other expiry was the idle limit.
import { createHash } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Adapter } from 'oidc-provider';
import type { Clock } from '../clock.js';
import type { ShortLivedStore } from '../storage/short-lived/store.js';
import type { AdapterConstructor } from './adapter.js';
import { cookieNames } from './cookies.js';

export interface SessionEndMarker {
  /** account */
  a: string;
  /** sign-in time, epoch seconds */
  l: number;
  /** when the session expires unless used again, epoch seconds */
  e: number;
}

export type SessionEnd = 'idle' | 'absolute';

const markerGraceSeconds = 24 * 60 * 60;
const hashPattern = /^[A-Za-z0-9_-]{43}$/;
export const sessionHash = (sessionId: string) => createHash('sha256').update(sessionId).digest('base64url');
const markerKey = (hash: string) => `session-end:${hash}`;
export const sessionHintCookie = (secure: boolean) => (secure ? '__Host-twofold.last-session' : 'twofold.last-session');

export interface SessionEndOptions {
  store: ShortLivedStore;
  clock: Clock;
  idleSeconds: number;
  maxSeconds: number;
  secureCookies: boolean;
}

/** The adapter, with a marker kept beside every signed-in session (and deleted with it). */
export function withSessionEndMarkers(Adapter: AdapterConstructor, opts: SessionEndOptions): AdapterConstructor {
  const { store, clock } = opts;
  return function SessionEndAdapter(this: unknown, model: string) {
    const inner = new Adapter(model);
    if (model !== 'Session') return inner;
    const adapter: Adapter = {
      ...inner,
      async upsert(id, payload, expiresIn) {
        const accountId = payload.accountId;
        const loginTs = typeof payload['loginTs'] === 'number' ? payload['loginTs'] : undefined;
        const marker =
          typeof accountId === 'string' && loginTs !== undefined
            ? store.set(
                markerKey(sessionHash(id)),
                JSON.stringify({ a: accountId, l: loginTs, e: Math.floor(clock.now() / 1000) + (expiresIn ?? opts.idleSeconds) } satisfies SessionEndMarker),
                opts.maxSeconds + markerGraceSeconds,
              )
            : undefined;
        await Promise.all([inner.upsert(id, payload, expiresIn), marker]);
      },
      async destroy(id) {
        await Promise.all([inner.destroy(id), store.del(markerKey(sessionHash(id)))]);
      },
    };
    return adapter;
  } as unknown as AdapterConstructor;
}

/**
 * Whenever a response sets the session cookie, set the hint cookie to the session's hash (and
 * clear it with the session cookie). Runs around everything, oidc-provider included.
 */
export function sessionHint(opts: Pick<SessionEndOptions, 'secureCookies' | 'maxSeconds'>): Middleware {
  const session = cookieNames(opts.secureCookies).session;
  const prefix = `${session}=`;
  const hint = sessionHintCookie(opts.secureCookies);
  return async (ctx, next) => {
    await next();
    if (ctx.headerSent) return;
    const raw = ctx.response.get('set-cookie') as unknown;
    const cookies = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
    const set = cookies.find((c) => c.startsWith(prefix));
    if (!set) return;
    const value = set.slice(prefix.length).split(';')[0] ?? '';
    const cleared = !value || /expires=Thu, 01 Jan 1970/i.test(set);
    ctx.cookies.set(hint, cleared ? null : sessionHash(decodeURIComponent(value)), {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.secureCookies,
      path: '/',
      signed: false,
      overwrite: true,
      ...(cleared ? {} : { maxAge: (opts.maxSeconds + markerGraceSeconds) * 1000 }),
    });
  };
}

/**
 * The browser's last session ended by expiry? Reads the hint cookie and the marker; reports an
 * expiry once (the marker is taken, the hint cleared) and leaves a live session alone.
 */
export async function detectSessionEnd(ctx: Context, opts: SessionEndOptions): Promise<{ end: SessionEnd; marker: SessionEndMarker } | undefined> {
  const name = sessionHintCookie(opts.secureCookies);
  const hash = ctx.cookies.get(name);
  if (!hash || !hashPattern.test(hash)) return undefined;
  const raw = await opts.store.get(markerKey(hash));
  if (!raw) return undefined;
  const marker = JSON.parse(raw) as SessionEndMarker;
  const now = Math.floor(opts.clock.now() / 1000);
  const cap = marker.l + opts.maxSeconds;
  let end: SessionEnd | undefined;
  if (now >= marker.e) end = marker.e >= cap - 1 ? 'absolute' : 'idle';
  else if (now >= cap) end = 'absolute'; // alive for its last second, refused by the login policy
  if (!end) return undefined;
  // only one request reports it
  if ((await opts.store.take(markerKey(hash))) === undefined) return undefined;
  ctx.cookies.set(name, null, { path: '/', secure: opts.secureCookies, overwrite: true });
  return { end, marker };
}
