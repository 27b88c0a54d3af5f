// "Stay signed in" on our own pages: a minute before the idle limit (half of it when the limit
// is shorter than two minutes) a warning offers to stay; the button posts to /account/stay
// (profile/router.ts), which touches the session like any profile page (requireViewer) and comes back. When the
// limit has passed, the page says the user was signed out and offers to sign in again. The
// timing is the script's (assets/session-warning.js); the form works without it.
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../i18n.js';
import { durationText } from '../signin/session-ended.js';

/** When the warning appears, in seconds before the idle limit. */
export const warnBeforeSeconds = (idleSeconds: number) => Math.min(60, Math.floor(idleSeconds / 2));

/** The profile page's data for views/session-warning.eta; idleSeconds is the session's own limit (ActiveSession). */
export function sessionWarning(deps: InteractionDeps, tr: Translator, idleSeconds: number = deps.config.session.idleSeconds) {
  const idle = idleSeconds;
  const before = warnBeforeSeconds(idle);
  return {
    sessionWarning: {
      idleSeconds: idle,
      warnBeforeSeconds: before,
      warning: tr.t('session_end.warning', { duration: durationText(tr, before) }),
      signedOut: tr.t('session_end.signed_out', { duration: durationText(tr, idle) }),
    },
  };
}
