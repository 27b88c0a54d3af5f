// The page behind an e-mail confirmation link (src/recovery/confirm-email.ts sends it).
import type { Context } from 'koa';
import type { LinkRecord } from '../../src/links/links.js';
import type { InteractionDeps } from '../context.js';
import { translatorFor } from '../render.js';
import { renderLinkProblem, renderRecovery, requestContext } from './pages.js';

export async function showConfirmEmail(ctx: Context, deps: InteractionDeps, token: string, record: LinkRecord): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  renderRecovery(ctx, deps, tr, {
    title: tr.t('confirm_email.title'),
    paragraphs: [tr.t('confirm_email.intro', { email: record.data['email'] ?? '' })],
    form: { action: `/recovery/link/${token}`, button: tr.t('confirm_email.submit') },
  });
}

export async function submitConfirmEmail(ctx: Context, deps: InteractionDeps, token: string): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const taken = await deps.links.take(token);
  if (!taken.ok) return renderLinkProblem(ctx, deps, tr, taken);
  const { accountId, data } = taken.record;
  // the address the link was sent to must still be the account's
  const changed = await deps.accounts.markEmailVerified(accountId, data['email'] ?? '');
  if (changed) await deps.audit.record({ type: 'email.confirmed', accountId, ...requestContext(ctx), details: { email: data['email'] } });
  const account = await deps.accounts.findById(accountId);
  if (!account?.emailVerified) return renderLinkProblem(ctx, deps, tr, { ok: false, reason: 'unknown' });
  renderRecovery(ctx, deps, tr, {
    title: tr.t('confirm_email.done_title'),
    paragraphs: [tr.t('confirm_email.done', { email: account.email })],
    link: { href: '/account', text: tr.t('confirm_email.go_profile') },
  });
}
