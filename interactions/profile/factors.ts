// Changes to the second factors from the profile: preferred method, name, removal, new
// recovery codes. Each is audited; removal and new codes want a recent sign-in.
import type { Context } from 'koa';
import type { InteractionDeps } from '../context.js';
import { afterFactorRemoved, lastRequiredFactor } from '../enrol/policy.js';
import { issueRecoveryCodes } from '../enrol/recovery-codes.js';
import { renderPage, translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { profileFlash } from './flash.js';
import { factorName } from './factor-name.js';

const back = (ctx: Context) => {
  ctx.status = 303;
  ctx.redirect('/account');
};

export async function makePreferred(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, factorId: string): Promise<void> {
  const factor = await deps.factors.findById(viewer.account.id, factorId);
  if (factor) {
    await deps.accounts.savePreferredFactor(viewer.account.id, factor.id);
    await deps.audit.record({ type: 'factor.preferred', accountId: viewer.account.id, ip: ctx.ip, userAgent: ctx.get('user-agent'), details: { kind: factor.kind, factorId: factor.id } });
    await profileFlash(deps.store, viewer.session.uid).set(translatorFor(ctx, deps.i18n).t('profile.preferred_saved', { name: factorName(translatorFor(ctx, deps.i18n), factor) }));
  }
  back(ctx);
}

export async function renameFactor(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, factorId: string): Promise<void> {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const label = typeof body['label'] === 'string' ? body['label'].trim().slice(0, 100) : '';
  const factor = await deps.factors.findById(viewer.account.id, factorId);
  if (factor && factor.label !== label && (await deps.factors.rename(viewer.account.id, factorId, label))) {
    await deps.audit.record({ type: 'factor.updated', accountId: viewer.account.id, ip: ctx.ip, userAgent: ctx.get('user-agent'), details: { kind: factor.kind, factorId, change: 'name' } });
    await profileFlash(deps.store, viewer.session.uid).set(translatorFor(ctx, deps.i18n).t('profile.renamed'));
  }
  back(ctx);
}

export async function removeFactor(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, factorId: string): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const factor = await deps.factors.findById(viewer.account.id, factorId);
  // where the organisation requires two-step verification, the last method cannot go
  if (factor && (await lastRequiredFactor(deps, viewer.account, factor))) {
    await profileFlash(deps.store, viewer.session.uid).set(tr.t('profile_more.remove_last_required'));
    return back(ctx);
  }
  if (factor && (await deps.factors.delete(viewer.account.id, factorId))) {
    const left = await deps.factors.findByAccount(viewer.account.id);
    // recovery codes belong to two-step verification as a whole: gone with the last factor
    if (left.length === 0) await deps.recoveryCodes.deleteAll(viewer.account.id);
    await deps.audit.record({ type: 'factor.removed', accountId: viewer.account.id, ip: ctx.ip, userAgent: ctx.get('user-agent'), details: { kind: factor.kind, factorId, remaining: left.length } });
    await afterFactorRemoved(deps, viewer.account.id, { ip: ctx.ip, userAgent: ctx.get('user-agent') }, 'last_factor_removed');
    await profileFlash(deps.store, viewer.session.uid).set(left.length ? tr.t('profile.removed', { name: factorName(tr, factor) }) : tr.t('profile.removed_last'));
  }
  back(ctx);
}

export async function regenerateRecoveryCodes(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  if ((await deps.factors.findByAccount(viewer.account.id)).length === 0) return back(ctx);
  const codes = await issueRecoveryCodes(deps, viewer.account.id, { ip: ctx.ip, userAgent: ctx.get('user-agent'), reason: 'regenerated' });
  renderPage(ctx, deps.views, tr, 'recovery-codes', {
    title: tr.t('enrol.codes_title'),
    notice: tr.t('profile.codes_replaced'),
    codes,
    action: '/account/done',
    csrf: deps.csrf.token(ctx),
  });
}
