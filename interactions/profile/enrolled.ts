// After a method was added from the profile: an account's first method comes with its recovery
// codes (shown once, then back to the profile); any later one goes straight back with a message.
import type { Context } from 'koa';
import type { InteractionDeps } from '../context.js';
import { issueFirstRecoveryCodes } from '../enrol/recovery-codes.js';
import type { Translator } from '../i18n.js';
import { renderPage } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { profileFlash } from './flash.js';

export async function afterEnrolment(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, tr: Translator, added: string): Promise<void> {
  const codes = await issueFirstRecoveryCodes(deps, viewer.account.id, { ip: ctx.ip, userAgent: ctx.get('user-agent') });
  if (codes) {
    return renderPage(ctx, deps.views, tr, 'recovery-codes', { title: tr.t('enrol.codes_title'), notice: tr.t('enrol.enabled'), codes, action: '/account/done', csrf: deps.csrf.token(ctx) });
  }
  await profileFlash(deps.store, viewer.session.uid).set(added);
  ctx.status = 303;
  ctx.redirect('/account');
}
