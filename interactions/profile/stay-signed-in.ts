// "Stay signed in" on our own pages: a minute before the idle limit (half of it when the limit
// is shorter than two minutes) a warning offers to stay; the button posts to /account/stay
// (profile/router.ts), which touches the session like any profile page (requireViewer) and goes
// back to the page it was on. When the limit has passed, the page says the user was signed out
// and offers to sign in again. The timing is the script's (assets/session-warning.js); the form
// works without it.
//
// Every page of My profile shows it, from one place: the profile router's handlers call
// offerToStay() once the viewer is known, and layout.eta shows views/session-warning.eta on any
// page whose data has `sessionWarning`.
import type { Context } from 'koa';
import type { InteractionDeps } from '../context.js';
import type { ProfileViewer } from './auth.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { addToEveryPage } from '../render.js';
import { durationText } from '../signin/session-ended.js';

/** When the warning appears, in seconds before the idle limit. */
export const warnBeforeSeconds = (idleSeconds: number) => Math.min(60, Math.floor(idleSeconds / 2));

/** The data of views/session-warning.eta: the timing (the session's own idle limit: ActiveSession), the texts, the form's token and where it leads back. */
export function sessionWarning(tr: Translator, idleSeconds: number, form: { csrf: string; returnTo: string }) {
  const idle = idleSeconds;
  const before = warnBeforeSeconds(idle);
  return {
    sessionWarning: {
      idleSeconds: idle,
      warnBeforeSeconds: before,
      warning: tr.t('session_end.warning', { duration: durationText(tr, before) }),
      signedOut: tr.t('session_end.signed_out', { duration: durationText(tr, idle) }),
      csrf: form.csrf,
      returnTo: form.returnTo,
    },
  };
}

/**
 * Every page this request renders for a signed-in viewer carries the warning. It leads back to
 * this page: a page shown by a GET as it was asked for, one shown after a form (an error, a next
 * step) to its path, which /account/stay checks (stayReturnPath).
 */
export function offerToStay(ctx: Context, deps: Pick<InteractionDeps, 'csrf'>, viewer: ProfileViewer): void {
  const returnTo = ctx.method === 'GET' ? ctx.originalUrl : ctx.path;
  addToEveryPage(ctx, (tr) => sessionWarning(tr, viewer.session.idleSeconds, { csrf: deps.csrf.token(ctx), returnTo }));
}

// a path of our own under /account: segments that cannot be "." or ".." or empty (no "//"),
// no backslash, no scheme or host; a plain query at most
const ownPath = /^\/account(?:\/[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)*\/?(?:\?[A-Za-z0-9_.~%=&+-]*)?$/;
// GET routes of /account that are not pages of a signed-in viewer
const notPages = new Set(['/account/signin', '/account/callback', '/account/signed-out']);

/**
 * Where "Stay signed in" goes back to: the posted path when it is a page of My profile (same
 * origin, under /account, one that `isPage` says a GET shows), /account otherwise. Never
 * anywhere else: no open redirect.
 */
export function stayReturnPath(posted: unknown, isPage: (path: string) => boolean): string {
  if (typeof posted !== 'string' || posted.length > 512 || !ownPath.test(posted)) return '/account';
  const path = posted.split('?')[0]!.replace(/(.)\/$/, '$1');
  return notPages.has(path) || !isPage(path) ? '/account' : posted;
}
