// The sign-in page after a session expired says so: "You were signed out after 5 minutes
// without activity" or, at the absolute lifetime, that a sign-in lasts at most 12 hours. The
// expiry is detected once (src/oidc/session-end.ts), audited as session.expired_idle or
// session.expired_absolute, and remembered for this sign-in so a reload still says it.
import type { Context } from 'koa';
import { detectSessionEnd, type SessionEnd, type SessionEndMarker } from '../../src/oidc/session-end.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../../src/i18n/i18n.js';
import type { InteractionDetails } from '../load.js';

const noticeTtlSeconds = 30 * 60;
const key = (uid: string) => `signin-session-ended:${uid}`;

/** A duration in the largest whole unit: "12 hours", "5 minutes", "90 seconds". */
export function durationText(tr: Translator, seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return tr.t('session_end.hours', { count: seconds / 3600 });
  if (seconds >= 60 && seconds % 60 === 0) return tr.t('session_end.minutes', { count: seconds / 60 });
  return tr.t('session_end.seconds', { count: seconds });
}

/** What ended, and the idle limit that applied (the account's organisation's, or the server's). */
interface EndNotice {
  end: SessionEnd;
  idleSeconds: number;
}

export function sessionEndMessage(tr: Translator, deps: Pick<InteractionDeps, 'config'>, notice: EndNotice): string {
  return notice.end === 'idle'
    ? tr.t('session_end.idle', { duration: durationText(tr, notice.idleSeconds) })
    : tr.t('session_end.absolute', { duration: durationText(tr, deps.config.session.maxSeconds) });
}

/** Ended on purpose, elsewhere (sign out everywhere, other sessions, a reset): not an expiry to report. */
async function endedDeliberately(deps: InteractionDeps, marker: SessionEndMarker): Promise<boolean> {
  const recent = await deps.audit.findRecent({ accountId: marker.a, limit: 20 });
  const deliberate = new Set(['account.signed_out_everywhere', 'sessions.ended_others', 'factor.reset', 'factor.disabled_by_admin']);
  return recent.some((e) => deliberate.has(e.type) && e.at.getTime() >= marker.l * 1000);
}

export async function sessionEndedNotice(ctx: Context, deps: InteractionDeps, details: InteractionDetails, tr: Translator): Promise<string | undefined> {
  const kept = await deps.store.get(key(details.uid));
  let notice = kept ? (JSON.parse(kept) as EndNotice) : undefined;
  if (!notice) {
    const found = await detectSessionEnd(ctx, { store: deps.store, clock: deps.clock, ...deps.config.session, secureCookies: deps.config.secureCookies });
    if (!found || (await endedDeliberately(deps, found.marker))) return undefined;
    const end = found.end;
    const idleSeconds = await deps.sessionIdle.prepare(found.marker.a);
    await deps.audit.record({
      type: end === 'idle' ? 'session.expired_idle' : 'session.expired_absolute',
      accountId: found.marker.a,
      ip: ctx.ip,
      userAgent: ctx.get('user-agent'),
      details: { signedInAt: new Date(found.marker.l * 1000).toISOString(), ...(end === 'idle' ? { idleSeconds } : { maxSeconds: deps.config.session.maxSeconds }) },
    });
    notice = { end, idleSeconds };
    await deps.store.set(key(details.uid), JSON.stringify(notice), noticeTtlSeconds);
  }
  return sessionEndMessage(tr, deps, notice);
}
