// "Sign out of other sessions": every sign-in session of the account but this browser's ends
// (other browsers and devices go back to the password). The current session is the one the
// session cookie names, read the way oidc-provider reads it (provider.Session.get).
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionDeps } from '../context.js';
import { translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { profileFlash } from './flash.js';

/** The id of this browser's session record (the cookie's value), if it has one. */
export async function currentSessionId(ctx: Context, deps: Pick<InteractionDeps, 'provider'>): Promise<string | undefined> {
  // `id` and `new` exist at runtime (lib/models/session.js) but not in @types/oidc-provider
  const session = (await deps.provider().Session.get(ctx)) as Awaited<ReturnType<Provider['Session']['get']>> & { id?: string; new?: boolean };
  return session.new ? undefined : session.id;
}

export async function endOtherSessions(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const current = await currentSessionId(ctx, deps);
  const ended = current ? await deps.accountSessions.endOthers(viewer.account.id, current) : 0;
  await deps.audit.record({ type: 'sessions.ended_others', accountId: viewer.account.id, ip: ctx.ip, userAgent: ctx.get('user-agent'), details: { ended } });
  await profileFlash(deps.store, viewer.session.uid).set(tr.t('profile_more.ended_others', { count: ended }));
  ctx.status = 303;
  ctx.redirect('/account');
}
