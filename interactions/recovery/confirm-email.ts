// E-mail confirmation links: an account whose address is not confirmed yet (email_verified
// false) gets a single-use link (48 hours); following it and pressing the button sets
// email_verified. Only a confirmed address receives codes and recovery links.
// sendEmailConfirmation() is the one way to send it: My profile, `twofold users create`, and
// the administrators' "resend" of a later issue use it.
import type { Context } from 'koa';
import { linkLifetimes, type LinkRecord } from '../../src/links/links.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../i18n.js';
import { translatorFor } from '../render.js';
import { accountLanguage } from './describe.js';
import { mayEmail, renderLinkProblem, renderRecovery, requestContext, linkEmailTexts, sendLinkEmail } from './pages.js';

export type ConfirmationDeps = Pick<InteractionDeps, 'links' | 'mailer' | 'audit' | 'store' | 'i18n'>;

export type ConfirmationResult = 'sent' | 'already_confirmed' | 'too_many' | 'delivery_failed';

/** Send one account its confirmation link (in its language, else `tr`'s). */
export async function sendEmailConfirmation(
  deps: ConfirmationDeps,
  account: Pick<Account, 'id' | 'email' | 'emailVerified' | 'locale'>,
  opts: { tr?: Translator; ip?: string | undefined; userAgent?: string | undefined; by?: string } = {},
): Promise<ConfirmationResult> {
  if (account.emailVerified) return 'already_confirmed';
  if (!(await mayEmail(deps, account.id, 'email_confirmation'))) return 'too_many';
  const tr = opts.tr ?? deps.i18n.forLanguage(accountLanguage(account.locale));
  const link = await deps.links.issue('email_confirmation', account.id, { data: { email: account.email } });
  try {
    await sendLinkEmail(deps, tr, {
      to: account.email,
      ...linkEmailTexts(tr, 'confirm_email', { url: link.url, lifetimeSeconds: linkLifetimes.email_confirmation }),
      category: 'email-confirmation',
    });
  } catch {
    return 'delivery_failed';
  }
  await deps.audit.record({ type: 'email.confirmation_sent', accountId: account.id, ip: opts.ip, userAgent: opts.userAgent, details: { by: opts.by ?? 'user' } });
  return 'sent';
}

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
