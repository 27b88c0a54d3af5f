// After a method was added from the profile: an account's first method comes with its recovery
// codes (shown once, then back to the profile); any later one goes straight back with a message.
// The organisation's policy applies here too (enrol/policy.ts): the code method it replaces is
// removed, and when the first method should end the session, the codes page is the last one of
// this session: "I have saved my recovery codes" leads to "sign in again".
import type { Context } from 'koa';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { InteractionDeps } from '../context.js';
import { afterFactorAdded, endAllSessions } from '../enrol/policy.js';
import { issueFirstRecoveryCodes } from '../enrol/recovery-codes.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { renderPage } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { profileFlash } from './flash.js';

export async function afterEnrolment(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, tr: Translator, added: string, factor: FactorRecord): Promise<void> {
  const context = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
  const { signOut } = await afterFactorAdded(deps, viewer.account, factor, context);
  const codes = await issueFirstRecoveryCodes(deps, viewer.account.id, context);
  if (signOut) await endAllSessions(deps, viewer.account.id);
  if (codes) {
    const notice = signOut ? tr.t('policy.enabled_sign_in_again') : tr.t('enrol.enabled');
    // after a sign-out there is no session to stay in: no idle warning on this last page
    return renderPage(ctx, deps.views, tr, 'recovery-codes', {
      title: tr.t('enrol.codes_title'),
      notice,
      codes,
      action: signOut ? '/account/activated' : '/account/done',
      csrf: deps.csrf.token(ctx),
      ...(signOut ? { sessionWarning: undefined } : {}),
    });
  }
  await profileFlash(deps.store, viewer.session.uid).set(added);
  ctx.status = 303;
  ctx.redirect('/account');
}
