// "Reset two-factor authentication" for a user who lost their second factor. After a correct
// password, the second-factor page sends a single-use link (1 hour) to the account's confirmed
// address. Following it and entering the password again removes every factor and recovery
// code, signs the account out everywhere and forgets its remembered devices — at once, or,
// where the organisation sets a cool-off period, once that has passed (with a notice e-mail
// that can cancel it). Where the organisation requires 2FA, the next sign-in enrols a new
// factor before it finishes (signin/steps.ts sends a user without factors to enrolment).
import type { Context } from 'koa';
import { linkLifetimes, type LinkRecord } from '../../src/links/links.js';
import { maskEmail } from '../../src/mail/mask.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { FactorReset } from '../../src/storage/postgres/factor-resets.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../../src/i18n/i18n.js';
import type { InteractionDetails } from '../load.js';
import { translatorFor } from '../render.js';
import { regulated } from '../../src/regulation/regulated.js';
import { lockedMessage, remainingMessage } from '../signin/regulate.js';
import { applyDueFactorReset, performFactorReset } from '../../src/recovery/actions.js';
import { describeDuration, describeTime } from '../../src/i18n/describe.js';
import { linkEmailTexts, mayEmail, sendLinkEmail } from '../../src/recovery/link-emails.js';
import { formField, onwards, renderLinkProblem, renderRecovery, requestContext, signInReturn, type RecoveryPage } from './pages.js';

/** POST /interaction/:uid/reset-2fa, from the second-factor pages: the password is proven in this sign-in. */
export async function requestFactorReset(ctx: Context, deps: InteractionDeps, details: InteractionDetails, account: Account): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const back = `/interaction/${details.uid}`;
  const secondary = [{ href: back, text: tr.t('recovery.back_to_signin') }];
  if (!account.emailVerified) {
    return renderRecovery(ctx, deps, tr, { title: tr.t('reset.title'), paragraphs: [tr.t('reset.no_address'), tr.t('reset.contact_admin')], secondary });
  }
  if (!(await mayEmail(deps, account.id, 'factor_reset'))) {
    return renderRecovery(ctx, deps, tr, { title: tr.t('reset.title'), error: tr.t('recovery.too_many_links'), secondary }, 429);
  }
  const context = requestContext(ctx);
  const link = await deps.links.issue('factor_reset', account.id, { data: { returnTo: back } });
  const notMe = await deps.links.issue('not_me', account.id);
  const duration = describeDuration(tr, linkLifetimes.factor_reset);
  try {
    await sendLinkEmail(deps, tr, {
      to: account.email,
      ...linkEmailTexts(tr, 'reset', { url: link.url, lifetimeSeconds: linkLifetimes.factor_reset, more: [tr.t('reset.email_effects')] }),
      request: { ...context, at: new Date(deps.clock.now()) },
      notMe: { url: notMe.url, text: tr.t('reset.email_not_me') },
      category: 'factor-reset',
    });
  } catch {
    return renderRecovery(ctx, deps, tr, { title: tr.t('reset.title'), error: tr.t('recovery.delivery_failed'), secondary }, 503);
  }
  // the e-mail with the link is itself the notice (it carries "This wasn't me")
  await deps.audit.record({ type: 'factor.reset_requested', accountId: account.id, ...context, details: { stage: 'link_sent', notified: true } });
  renderRecovery(ctx, deps, tr, {
    title: tr.t('reset.sent_title'),
    paragraphs: [tr.t('reset.sent', { destination: maskEmail(account.email), duration }), tr.t('reset.sent_next')],
    help: { title: tr.t('mfa.email_help_title'), text: tr.t('mfa.email_help', { sender: deps.config.mail.fromAddress }) },
    secondary,
  });
}

async function cooloffOf(deps: InteractionDeps, account: Account): Promise<number> {
  return (await deps.organisations.findById(account.organisationId))?.policy.resetCooloffSeconds ?? 0;
}

function scheduledPage(tr: Translator, reset: FactorReset, extra: string[] = []): RecoveryPage {
  return {
    title: tr.t('reset.scheduled_title'),
    paragraphs: [tr.t('reset.scheduled', { date: describeTime(tr, reset.effectiveAt) }), tr.t('reset.scheduled_until'), ...extra],
  };
}

function passwordForm(tr: Translator, token: string, account: Account, cooloff: number): RecoveryPage {
  return {
    title: tr.t('reset.link_title'),
    paragraphs: [
      tr.t('reset.link_intro', { email: maskEmail(account.email) }),
      tr.t('reset.link_effects'),
      ...(cooloff > 0 ? [tr.t('reset.link_cooloff', { duration: describeDuration(tr, cooloff) })] : []),
    ],
    form: {
      action: `/recovery/link/${token}`,
      button: tr.t('reset.link_submit'),
      username: account.email,
      fields: [{ name: 'password', label: tr.t('reset.password'), type: 'password', autocomplete: 'current-password' }],
    },
  };
}

async function linkAccount(ctx: Context, deps: InteractionDeps, tr: Translator, record: LinkRecord): Promise<Account | undefined> {
  const account = await deps.accounts.findById(record.accountId);
  if (!account || account.disabledAt) {
    renderLinkProblem(ctx, deps, tr, { ok: false, reason: 'unknown' });
    return undefined;
  }
  return account;
}

export async function showFactorResetLink(ctx: Context, deps: InteractionDeps, token: string, record: LinkRecord): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const account = await linkAccount(ctx, deps, tr, record);
  if (!account) return;
  await applyDueFactorReset(deps, account.id, requestContext(ctx));
  const pending = await deps.factorResets.findPending(account.id);
  if (pending) return renderRecovery(ctx, deps, tr, scheduledPage(tr, pending));
  renderRecovery(ctx, deps, tr, passwordForm(tr, token, account, await cooloffOf(deps, account)));
}

export async function submitFactorResetLink(ctx: Context, deps: InteractionDeps, token: string, record: LinkRecord): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const account = await linkAccount(ctx, deps, tr, record);
  if (!account) return;
  const cooloff = await cooloffOf(deps, account);
  const context = requestContext(ctx);

  // the password, regulated like the sign-in's (same counters)
  const subject = { kind: 'password' as const, login: account.email.toLowerCase(), ip: ctx.ip };
  const password = formField(ctx, 'password');
  const checked = await regulated(deps.regulator, subject, async () =>
    (await deps.hasher.verify(account.passwordHash, password.length > 1024 ? '' : password)) ? { ok: true, value: undefined } : { ok: false, value: undefined },
  );
  if (checked.status === 'locked') return renderRecovery(ctx, deps, tr, { ...passwordForm(tr, token, account, cooloff), error: lockedMessage(tr, checked.retryAt, deps.clock.now()) }, 429);
  if (checked.status === 'failed') {
    const after = checked.verdict;
    await deps.audit.record({ type: 'signin.failed', accountId: account.id, ...context, details: { reason: 'wrong_password', step: 'factor_reset' } });
    const error = after.allowed ? tr.t('reset.wrong_password') : lockedMessage(tr, after.retryAt!, deps.clock.now());
    return renderRecovery(ctx, deps, tr, { ...passwordForm(tr, token, account, cooloff), error, warning: remainingMessage(tr, after) }, after.allowed ? 401 : 429);
  }

  const taken = await deps.links.take(token);
  if (!taken.ok) return renderLinkProblem(ctx, deps, tr, taken);
  const returnTo = signInReturn(record.data['returnTo']);

  if (cooloff > 0) {
    const now = deps.clock.now();
    const { reset, created } = await deps.factorResets.schedule({ accountId: account.id, requestedAt: new Date(now), effectiveAt: new Date(now + cooloff * 1000), ...context });
    if (!created) return renderRecovery(ctx, deps, tr, scheduledPage(tr, reset));
    const cancel = await deps.links.issue('cancel_reset', account.id, { lifetimeSeconds: cooloff + 24 * 3600, data: { resetId: reset.id } });
    const when = describeTime(tr, reset.effectiveAt);
    await deps.audit.record({ type: 'factor.reset_requested', accountId: account.id, ...context, details: { stage: 'scheduled', effectiveAt: reset.effectiveAt.toISOString(), notified: true } });
    try {
      await sendLinkEmail(deps, tr, {
        to: account.email,
        subject: tr.t('reset.notice_subject', { product: tr.t('product') }),
        heading: tr.t('reset.notice_heading'),
        paragraphs: [tr.t('reset.notice_intro', { date: when }), tr.t('reset.notice_not_you')],
        button: { url: cancel.url, text: tr.t('reset.notice_button') },
        request: { ...context, at: new Date(now) },
        category: 'factor-reset-notice',
      });
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, accountId: account.id }, 'reset notice not sent');
    }
    return renderRecovery(ctx, deps, tr, { ...scheduledPage(tr, reset, [tr.t('reset.scheduled_email')]), secondary: [onwards(tr, returnTo)] });
  }

  await performFactorReset(deps, account.id, context, { scheduled: false });
  renderRecovery(ctx, deps, tr, { title: tr.t('reset.done_title'), paragraphs: [tr.t('reset.done'), tr.t('reset.done_next')], link: onwards(tr, returnTo) });
}

/** The "Cancel this reset" link of the notice e-mail: a page with one button. */
async function cancelTarget(ctx: Context, deps: InteractionDeps, tr: Translator, record: LinkRecord): Promise<FactorReset | undefined> {
  await applyDueFactorReset(deps, record.accountId, requestContext(ctx));
  const reset = await deps.factorResets.findById(record.data['resetId'] ?? '');
  if (!reset || reset.accountId !== record.accountId) {
    renderLinkProblem(ctx, deps, tr, { ok: false, reason: 'unknown' });
    return undefined;
  }
  if (reset.doneAt) {
    renderRecovery(
      ctx,
      deps,
      tr,
      {
        title: tr.t('reset.cancel_too_late_title'),
        paragraphs: [tr.t('reset.cancel_too_late', { date: describeTime(tr, reset.doneAt) }), tr.t('reset.cancel_too_late_next')],
        link: { href: '/account', text: tr.t('recovery.sign_in') },
      },
      409,
    );
    return undefined;
  }
  if (reset.cancelledAt) {
    renderRecovery(ctx, deps, tr, {
      title: tr.t('reset.cancelled_title'),
      paragraphs: [tr.t('reset.cancelled'), tr.t('reset.cancelled_next')],
      link: { href: '/recovery/forgot', text: tr.t('not_me.new_password') },
    });
    return undefined;
  }
  return reset;
}

export async function showCancelReset(ctx: Context, deps: InteractionDeps, token: string, record: LinkRecord): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const reset = await cancelTarget(ctx, deps, tr, record);
  if (!reset) return;
  renderRecovery(ctx, deps, tr, {
    title: tr.t('reset.cancel_title'),
    paragraphs: [tr.t('reset.cancel_intro', { date: describeTime(tr, reset.effectiveAt) })],
    form: { action: `/recovery/link/${token}`, button: tr.t('reset.cancel_submit') },
  });
}

export async function submitCancelReset(ctx: Context, deps: InteractionDeps, token: string, record: LinkRecord): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const reset = await cancelTarget(ctx, deps, tr, record);
  if (!reset) return;
  const taken = await deps.links.take(token);
  if (!taken.ok) return renderLinkProblem(ctx, deps, tr, taken);
  if (!(await deps.factorResets.cancel(reset.id, new Date(deps.clock.now())))) {
    // taken by a due reset a moment ago: show what happened
    await cancelTarget(ctx, deps, tr, record);
    return;
  }
  await deps.audit.record({ type: 'factor.reset_cancelled', accountId: record.accountId, ...requestContext(ctx), details: { resetId: reset.id } });
  renderRecovery(ctx, deps, tr, {
    title: tr.t('reset.cancelled_title'),
    paragraphs: [tr.t('reset.cancelled'), tr.t('reset.cancelled_next')],
    link: { href: '/recovery/forgot', text: tr.t('not_me.new_password') },
  });
}

/** For My profile: a scheduled reset of this account, said in one sentence; undefined when there is none. */
export async function pendingResetNotice(deps: Pick<InteractionDeps, 'factorResets'>, tr: Translator, accountId: string): Promise<string | undefined> {
  const pending = await deps.factorResets.findPending(accountId);
  return pending ? tr.t('reset.profile_pending', { date: describeTime(tr, pending.effectiveAt) }) : undefined;
}
