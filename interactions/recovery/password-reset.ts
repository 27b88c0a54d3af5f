// "Forgot your password?": the address is asked for, and the answer is the same whether or not
// an account has it (the e-mail goes out in the background, so timing does not tell either). The
// link (single-use, 30 minutes) leads to a new password; every session ends and remembered
// devices are forgotten. The user then signs in as always: password, then the second factor —
// a password reset never skips an enrolled factor.
import type { Context } from 'koa';
import { maskEmail } from '../../src/mail/mask.js';
import { linkLifetimes, type LinkRecord } from '../../src/links/links.js';
import { checkNewPassword, passwordLimits } from '../../src/passwords/policy.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { translatorFor } from '../render.js';
import { signOutEverywhere } from '../../src/recovery/actions.js';
import { describeDuration } from '../../src/i18n/describe.js';
import { linkEmailTexts, mayEmail, sendLinkEmail } from '../../src/recovery/link-emails.js';
import { formField, onwards, renderLinkProblem, renderRecovery, requestContext, signInReturn, type RecoveryPage } from './pages.js';

const emailPattern = /^[^\s@]+@[^\s@]+$/;

function forgotForm(tr: Translator, returnTo: string | undefined, email = ''): RecoveryPage {
  const action = `/recovery/forgot${returnTo ? `?${new URLSearchParams({ return: returnTo })}` : ''}`;
  return {
    title: tr.t('forgot.title'),
    paragraphs: [tr.t('forgot.intro')],
    form: { action, button: tr.t('forgot.submit'), fields: [{ name: 'email', label: tr.t('forgot.email'), type: 'email', autocomplete: 'username', value: email, maxlength: 254 }] },
    secondary: returnTo ? [{ href: returnTo, text: tr.t('recovery.back_to_signin') }] : [],
  };
}

export async function showForgot(ctx: Context, deps: InteractionDeps): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  renderRecovery(ctx, deps, tr, forgotForm(tr, signInReturn(ctx.query['return'])));
}

export async function submitForgot(ctx: Context, deps: InteractionDeps): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const returnTo = signInReturn(ctx.query['return']);
  const email = formField(ctx, 'email').trim();
  if (email.length > 254 || !emailPattern.test(email)) {
    return renderRecovery(ctx, deps, tr, { ...forgotForm(tr, returnTo, email.slice(0, 254)), error: tr.t('forgot.invalid') }, 400);
  }
  const context = requestContext(ctx);
  const at = new Date(deps.clock.now());
  deps.securityEmails.inBackground('password reset link', async () => {
    const account = await deps.accounts.findByEmail(email);
    if (!account || account.disabledAt || !(await mayEmail(deps, account.id, 'password_reset'))) return;
    const link = await deps.links.issue('password_reset', account.id, { data: returnTo ? { returnTo } : {} });
    const notMe = await deps.links.issue('not_me', account.id);
    await sendLinkEmail(deps, tr, {
      to: account.email,
      ...linkEmailTexts(tr, 'forgot', { url: link.url, lifetimeSeconds: linkLifetimes.password_reset }),
      request: { ...context, at },
      notMe: { url: notMe.url, text: tr.t('forgot.email_not_me') },
      category: 'password-reset',
    });
    await deps.audit.record({ type: 'password.reset_requested', accountId: account.id, ...context });
  });
  renderRecovery(ctx, deps, tr, {
    title: tr.t('forgot.sent_title'),
    paragraphs: [tr.t('forgot.sent', { email, duration: describeDuration(tr, linkLifetimes.password_reset) }), tr.t('forgot.sent_next')],
    help: { title: tr.t('mfa.email_help_title'), text: tr.t('mfa.email_help', { sender: deps.config.mail.fromAddress }) },
    secondary: returnTo ? [{ href: returnTo, text: tr.t('recovery.back_to_signin') }] : [],
  });
}

/** The texts of the page: a reset, or an invitation's first password. */
const wording = (purpose: LinkRecord['purpose']) => (purpose === 'invitation' ? 'invitation' : 'reset_password');

function newPasswordForm(tr: Translator, token: string, email: string, purpose: LinkRecord['purpose']): RecoveryPage {
  const w = wording(purpose);
  return {
    title: tr.t(`${w}.title`),
    paragraphs: [tr.t(`${w}.intro`, { email: maskEmail(email) })],
    form: {
      action: `/recovery/link/${token}`,
      button: tr.t(`${w}.submit`),
      username: email,
      fields: [{ name: 'password', label: tr.t('reset_password.new'), type: 'password', autocomplete: 'new-password', hint: tr.t('password_change.rules', { min: passwordLimits.min }) }],
    },
  };
}

export async function showPasswordReset(ctx: Context, deps: InteractionDeps, token: string, record: LinkRecord): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const account = await deps.accounts.findById(record.accountId);
  if (!account || account.disabledAt) return renderLinkProblem(ctx, deps, tr, { ok: false, reason: 'unknown' });
  renderRecovery(ctx, deps, tr, newPasswordForm(tr, token, account.email, record.purpose));
}

export async function submitPasswordReset(ctx: Context, deps: InteractionDeps, token: string, record: LinkRecord): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const account = await deps.accounts.findById(record.accountId);
  if (!account || account.disabledAt) return renderLinkProblem(ctx, deps, tr, { ok: false, reason: 'unknown' });
  const password = formField(ctx, 'password');
  const problem = checkNewPassword(password, { email: account.email });
  if (problem)
    return renderRecovery(
      ctx,
      deps,
      tr,
      { ...newPasswordForm(tr, token, account.email, record.purpose), error: tr.t(`password_change.${problem}`, { min: passwordLimits.min, max: passwordLimits.max }) },
      400,
    );
  const taken = await deps.links.take(token);
  if (!taken.ok) return renderLinkProblem(ctx, deps, tr, taken);
  await deps.accounts.savePasswordHash(account.id, await deps.hasher.hash(password));
  if (record.purpose === 'invitation') {
    // the link reached the address: it is confirmed; the user knows what they just did (no security e-mail)
    if (await deps.accounts.markEmailVerified(account.id, account.email))
      await deps.audit.record({ type: 'email.confirmed', accountId: account.id, ...requestContext(ctx), details: { via: 'invitation' } });
    await deps.audit.record({ type: 'password.changed', accountId: account.id, ...requestContext(ctx), details: { via: 'invitation', notified: true } });
  } else {
    await signOutEverywhere(deps, account.id, 'password_changed', requestContext(ctx));
    await deps.audit.record({ type: 'password.changed', accountId: account.id, ...requestContext(ctx), details: { via: 'reset' } });
  }
  const returnTo = signInReturn(record.data['returnTo']);
  const w = wording(record.purpose);
  renderRecovery(ctx, deps, tr, {
    title: tr.t(`${w}.done_title`),
    paragraphs: [tr.t(`${w}.done`), tr.t(`${w}.done_next`)],
    link: onwards(tr, returnTo),
  });
}
