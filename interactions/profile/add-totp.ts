// Adding an authenticator app from the profile: the same enrolment as in a sign-in, with its
// progress kept per sign-in session.
import type { Context } from 'koa';
import type { InteractionDeps } from '../context.js';
import { confirmTotpEnrolment, startTotpEnrolment, totpEnrolmentView, type TotpEnrolment } from '../enrol/totp.js';
import { renderPage, translatorFor } from '../render.js';
import type { ProfileViewer } from './auth.js';
import { afterEnrolment } from './enrolled.js';

const key = (viewer: ProfileViewer) => `profile-enrol-totp:${viewer.session.uid}`;

async function current(deps: InteractionDeps, viewer: ProfileViewer, fresh: boolean): Promise<TotpEnrolment> {
  const raw = fresh ? undefined : await deps.store.get(key(viewer));
  if (raw) return JSON.parse(raw) as TotpEnrolment;
  const enrolment = startTotpEnrolment(deps);
  await deps.store.set(key(viewer), JSON.stringify(enrolment), 15 * 60);
  return enrolment;
}

export async function showAddTotp(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer, form: { error?: string; status?: number } = {}): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  // a reload shows the same key: the user may have scanned it already
  const enrolment = await current(deps, viewer, false);
  renderPage(
    ctx,
    deps.views,
    tr,
    'enrol-totp',
    {
      title: tr.t('enrol.totp_heading'),
      ...(await totpEnrolmentView(deps, enrolment, viewer.account)),
      action: '/account/add/totp',
      csrf: deps.csrf.token(ctx),
      error: form.error,
      cancel: { href: '/account', text: tr.t('profile.back') },
    },
    form.status ?? 200,
  );
}

export async function submitAddTotp(ctx: Context, deps: InteractionDeps, viewer: ProfileViewer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n);
  const raw = await deps.store.get(key(viewer));
  if (!raw) return showAddTotp(ctx, deps, viewer);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const typed = typeof body['code'] === 'string' ? body['code'].slice(0, 64) : '';
  const context = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
  const result = await confirmTotpEnrolment(deps, viewer.account, JSON.parse(raw) as TotpEnrolment, typed, context);
  if (!result.ok) return showAddTotp(ctx, deps, viewer, { error: tr.t(`mfa.${result.reason}`), status: 400 });
  await deps.store.del(key(viewer));
  return afterEnrolment(ctx, deps, viewer, tr, tr.t('profile.added_totp'), result.factor);
}
