// The e-mail every recovery link goes out in (password reset, factor reset, address
// confirmation, invitation), and how many of them an account may get.
import { describeBrowser, describeDuration, describeTime } from '../i18n/describe.js';
import type { Translator } from '../i18n/i18n.js';
import { renderEmail } from '../mail/emails.js';
import type { Mailer } from '../mail/mailer.js';
import type { ShortLivedStore } from '../storage/short-lived/store.js';

export interface LinkEmail {
  to: string;
  subject: string;
  heading: string;
  paragraphs: string[];
  button: { url: string; text: string };
  /** the request behind the e-mail, for the facts (when, browser, IP address) */
  request?: { ip?: string | undefined; userAgent?: string | undefined; at: Date };
  notMe?: { url: string; text: string };
  category: string;
}

/**
 * The usual texts of a link e-mail, from the catalogue area `area` (email_subject, email_heading,
 * email_intro, email_valid with the link's lifetime, email_button), plus any further paragraphs.
 */
export function linkEmailTexts(
  tr: Translator,
  area: string,
  opts: { url: string; lifetimeSeconds: number; intro?: Record<string, unknown>; more?: string[] },
): Pick<LinkEmail, 'subject' | 'heading' | 'paragraphs' | 'button'> {
  const product = tr.t('product');
  return {
    subject: tr.t(`${area}.email_subject`, { product }),
    heading: tr.t(`${area}.email_heading`),
    paragraphs: [tr.t(`${area}.email_intro`, { product, ...opts.intro }), tr.t(`${area}.email_valid`, { duration: describeDuration(tr, opts.lifetimeSeconds) }), ...(opts.more ?? [])],
    button: { url: opts.url, text: tr.t(`${area}.email_button`) },
  };
}

/** Send an e-mail carrying a recovery link; throws AppError('delivery_failed') like the mailer. */
export async function sendLinkEmail(deps: { mailer: Mailer }, tr: Translator, mail: LinkEmail): Promise<void> {
  const browser = mail.request ? describeBrowser(tr, mail.request.userAgent) : undefined;
  const facts = mail.request
    ? [
        { label: tr.t('security_email.when'), value: describeTime(tr, mail.request.at) },
        ...(browser ? [{ label: tr.t('security_email.browser'), value: browser }] : []),
        ...(mail.request.ip ? [{ label: tr.t('security_email.ip'), value: mail.request.ip }] : []),
      ]
    : undefined;
  const rendered = renderEmail('account-notice', tr, {
    subject: mail.subject,
    heading: mail.heading,
    paragraphs: mail.paragraphs,
    button: mail.button,
    facts,
    notMe: mail.notMe ? { text: mail.notMe.text, url: mail.notMe.url, button: tr.t('security_email.not_me_button') } : undefined,
  });
  await deps.mailer.send({ to: mail.to, ...rendered, category: mail.category });
}

/** At most `perHour` recovery e-mails of one kind per account and hour. */
export async function mayEmail(deps: { store: ShortLivedStore }, accountId: string, kind: string, perHour = 5): Promise<boolean> {
  return (await deps.store.incr(`recovery-mail:${kind}:${accountId}`, 3600)) <= perHour;
}
