// My profile: change the password (the current one is required; the same rules as everywhere:
// NFKC, 8 to 1024 characters, no common passwords), and confirm the e-mail address. A new
// password ends every other session of the account and forgets its remembered devices.
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { checkNewPassword, passwordLimits } from '../../src/passwords/policy.js';
import { regulated } from '../../src/regulation/regulated.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { translatorFor } from '../render.js';
import { forgetAllDevices } from '../../src/recovery/actions.js';
import { sendEmailConfirmation } from '../../src/recovery/confirm-email.js';
import { formField, renderRecovery, requestContext, type RecoveryPage } from '../recovery/pages.js';
import { lockedMessage, remainingMessage } from '../signin/regulate.js';
import type { ProfileViewer } from './auth.js';
import { profileFlash } from './flash.js';

type Handler = (act: (ctx: Context, viewer: ProfileViewer) => Promise<void>, opts?: { recent?: boolean }) => (ctx: Context) => Promise<void>;

/** The profile's password and e-mail routes (router.ts adds them with one line). */
export function passwordRoutes(router: Router, deps: InteractionDeps, h: { get: Handler; post: Handler; formBody: Middleware }): void {
  router.get(
    '/password',
    h.get((ctx, viewer) => showChangePassword(ctx, deps, viewer), { recent: true }),
  );
  router.post(
    '/password',
    h.formBody,
    h.post((ctx, viewer) => submitChangePassword(ctx, deps, viewer), { recent: true }),
  );
  router.post(
    '/confirm-email',
    h.formBody,
    h.post((ctx, viewer) => sendConfirmation(ctx, deps, viewer)),
  );
}

function form(tr: Translator, viewer: ProfileViewer): RecoveryPage {
  return {
    title: tr.t('password_change.title'),
    paragraphs: [tr.t('password_change.intro')],
    form: {
      action: '/account/password',
      button: tr.t('password_change.submit'),
      username: viewer.account.email,
      fields: [
        { name: 'current', label: tr.t('password_change.current'), type: 'password', autocomplete: 'current-password' },
        { name: 'password', label: tr.t('password_change.new'), type: 'password', autocomplete: 'new-password', hint: tr.t('password_change.rules', { min: passwordLimits.min }) },
      ],
    },
    secondary: [{ href: '/account', text: tr.t('profile.back') }],
  };
}

export async function showChangePassword(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  renderRecovery(ctx, deps, tr, form(tr, viewer));
}

/** The session cookie's id (what endOthers keeps). */
async function sessionId(ctx: Context, provider: Provider): Promise<string> {
  return ((await provider.Session.get(ctx)) as unknown as { id: string }).id;
}

export async function submitChangePassword(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const { account } = viewer;
  const subject = { kind: 'password' as const, login: account.email.toLowerCase(), ip: ctx.ip };
  const current = formField(ctx, 'current');
  const checked = await regulated(deps.regulator, subject, async () =>
    (await deps.hasher.verify(account.passwordHash, current.length > 1024 ? '' : current)) ? { ok: true, value: undefined } : { ok: false, value: undefined },
  );
  if (checked.status === 'locked') return renderRecovery(ctx, deps, tr, { ...form(tr, viewer), error: lockedMessage(tr, checked.retryAt, deps.clock.now()) }, 429);
  if (checked.status === 'failed') {
    const after = checked.verdict;
    const error = after.allowed ? tr.t('password_change.wrong_current') : lockedMessage(tr, after.retryAt!, deps.clock.now());
    return renderRecovery(ctx, deps, tr, { ...form(tr, viewer), error, warning: remainingMessage(tr, after) }, after.allowed ? 401 : 429);
  }
  const password = formField(ctx, 'password');
  const problem = checkNewPassword(password, { email: account.email });
  if (problem) return renderRecovery(ctx, deps, tr, { ...form(tr, viewer), error: tr.t(`password_change.${problem}`, { min: passwordLimits.min, max: passwordLimits.max }) }, 400);
  if (await deps.hasher.verify(account.passwordHash, password)) return renderRecovery(ctx, deps, tr, { ...form(tr, viewer), error: tr.t('password_change.same') }, 400);

  await deps.accounts.savePasswordHash(account.id, await deps.hasher.hash(password));
  const ended = await deps.accountSessions.endOthers(account.id, await sessionId(ctx, deps.provider()));
  await forgetAllDevices(deps, account.id, 'password_changed', requestContext(ctx));
  await deps.audit.record({ type: 'password.changed', accountId: account.id, ...requestContext(ctx), details: { via: 'profile', otherSessionsEnded: ended } });
  await profileFlash(deps.store, viewer.session.uid).set(tr.t('password_change.done'));
  ctx.status = 303;
  ctx.redirect('/account');
}

export async function sendConfirmation(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const result = await sendEmailConfirmation(deps, viewer.account, { tr, ...requestContext(ctx) });
  const messages = {
    sent: tr.t('confirm_email.sent', { email: viewer.account.email }),
    already_confirmed: tr.t('confirm_email.already'),
    too_many: tr.t('recovery.too_many_links'),
    delivery_failed: tr.t('recovery.delivery_failed'),
  };
  await profileFlash(deps.store, viewer.session.uid).set(messages[result]);
  ctx.status = 303;
  ctx.redirect('/account');
}
