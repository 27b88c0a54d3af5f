// The pages of account recovery (views/recovery.eta), the page for a link that cannot be used,
// and the e-mail every recovery link goes out in.
import type { Context } from 'koa';
import type { LinkLookup, LinkPurpose } from '../../src/links/links.js';
import type { InteractionDeps } from '../context.js';
import { renderEmail } from '../emails.js';
import type { Translator } from '../i18n.js';
import { renderPage } from '../render.js';
import { describeBrowser, describeDuration, describeTime } from './describe.js';

export interface RecoveryField {
  name: string;
  label: string;
  type: 'password' | 'email' | 'text';
  autocomplete: string;
  hint?: string | undefined;
  value?: string | undefined;
  maxlength?: number;
}

export interface RecoveryPage {
  title: string;
  heading?: string;
  notice?: string | undefined;
  error?: string | undefined;
  warning?: string | undefined;
  paragraphs?: string[];
  form?: { action: string; button: string; fields?: RecoveryField[]; username?: string };
  help?: { title: string; text: string };
  link?: { href: string; text: string };
  secondary?: Array<{ href: string; text: string }>;
}

export function renderRecovery(ctx: Context, deps: Pick<InteractionDeps, 'views' | 'csrf'>, tr: Translator, page: RecoveryPage, status = 200): void {
  renderPage(ctx, deps.views, tr, 'recovery', { ...page, heading: page.heading ?? page.title, csrf: page.form ? deps.csrf.token(ctx) : undefined, error: page.error }, status);
}

/** The sign-in page a recovery started from, when it is one of ours. */
export function signInReturn(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/interaction\/[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
}

/** Where to go after a recovery: back to the sign-in it started from, else to My profile (which signs in). */
export function onwards(tr: Translator, returnTo: string | undefined): { href: string; text: string } {
  return returnTo ? { href: returnTo, text: tr.t('recovery.continue_signin') } : { href: '/account', text: tr.t('recovery.sign_in') };
}

/** An expired, used or unknown link: what happened and what to do next (never an error page). */
export function renderLinkProblem(ctx: Context, deps: Pick<InteractionDeps, 'views' | 'csrf'>, tr: Translator, problem: Extract<LinkLookup, { ok: false }>): void {
  const next: Record<LinkPurpose, string> = {
    factor_reset: tr.t('links.next_factor_reset'),
    password_reset: tr.t('links.next_password_reset'),
    email_confirmation: tr.t('links.next_email_confirmation'),
    cancel_reset: tr.t('links.next_cancel_reset'),
    not_me: tr.t('links.next_not_me'),
    invitation: tr.t('links.next_invitation'),
  };
  const heading = problem.reason === 'used' ? tr.t('links.used_heading') : problem.reason === 'expired' ? tr.t('links.expired_heading') : tr.t('links.unknown_heading');
  const body = problem.reason === 'used' ? tr.t('links.used') : problem.reason === 'expired' ? tr.t('links.expired') : tr.t('links.unknown');
  renderRecovery(
    ctx,
    deps,
    tr,
    { title: heading, paragraphs: [body, problem.purpose ? next[problem.purpose] : tr.t('links.next_generic')], link: { href: '/account', text: tr.t('links.go_profile') } },
    problem.reason === 'unknown' ? 404 : 410,
  );
}

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
export async function sendLinkEmail(deps: Pick<InteractionDeps, 'mailer'>, tr: Translator, mail: LinkEmail): Promise<void> {
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
export async function mayEmail(deps: Pick<InteractionDeps, 'store'>, accountId: string, kind: string, perHour = 5): Promise<boolean> {
  return (await deps.store.incr(`recovery-mail:${kind}:${accountId}`, 3600)) <= perHour;
}

export const requestContext = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });

export const formField = (ctx: Context, name: string): string => {
  const v = ((ctx.request.body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
};
