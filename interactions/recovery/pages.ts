// The pages of account recovery (views/recovery.eta) and the page for a link that cannot be used.
import type { Context } from 'koa';
import type { LinkLookup, LinkPurpose } from '../../src/links/links.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { renderPage } from '../render.js';

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

export const requestContext = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.get('user-agent') });

export const formField = (ctx: Context, name: string): string => {
  const v = ((ctx.request.body ?? {}) as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
};
