// E-mail confirmation links: an account whose address is not confirmed yet (email_verified
// false) gets a single-use link (48 hours); following it and pressing the button sets
// email_verified. Only a confirmed address receives codes and recovery links.
// sendEmailConfirmation() is the one way to send it: My profile, `twofold users create`, and
// the administrators' "resend" of a later issue use it.
import { accountLanguage } from '../i18n/describe.js';
import type { Translator } from '../i18n/i18n.js';
import { linkLifetimes } from '../links/links.js';
import type { RequestDeps } from '../services.js';
import type { Account } from '../storage/postgres/accounts.js';
import { linkEmailTexts, mayEmail, sendLinkEmail } from './link-emails.js';

export type ConfirmationDeps = Pick<RequestDeps, 'links' | 'mailer' | 'audit' | 'store' | 'i18n'>;

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
