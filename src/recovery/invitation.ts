// An administrator created an account without a password: the invitation e-mail carries a
// single-use link (7 days) to set it, which also confirms the address.
import { linkLifetimes } from '../links/links.js';
import type { Account } from '../storage/postgres/accounts.js';
import type { ConfirmationDeps } from './confirm-email.js';
import { accountLanguage } from '../i18n/describe.js';
import { linkEmailTexts, sendLinkEmail } from './link-emails.js';

export type InvitationResult = 'sent' | 'delivery_failed';

export async function sendInvitation(deps: ConfirmationDeps, account: Pick<Account, 'id' | 'email' | 'locale'>, opts: { by: Record<string, string> }): Promise<InvitationResult> {
  const tr = deps.i18n.forLanguage(accountLanguage(account.locale));
  const link = await deps.links.issue('invitation', account.id, { data: { email: account.email } });
  try {
    await sendLinkEmail(deps, tr, {
      to: account.email,
      ...linkEmailTexts(tr, 'invitation', { url: link.url, lifetimeSeconds: linkLifetimes.invitation, intro: { email: account.email } }),
      category: 'invitation',
    });
  } catch {
    return 'delivery_failed';
  }
  await deps.audit.record({ type: 'account.invited', accountId: account.id, details: opts.by });
  return 'sent';
}
