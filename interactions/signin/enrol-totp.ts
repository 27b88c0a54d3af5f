// Enrolment inside a sign-in with an authenticator app (TOTP): the QR code page and its code.
import type { Context } from 'koa';
import { factorOf } from '../../src/factors/registry.js';
import { clientName } from '../client-name.js';
import type { InteractionDeps } from '../context.js';
import { confirmTotpEnrolment, startTotpEnrolment, totpEnrolmentView } from '../enrol/totp.js';
import type { InteractionDetails } from '../load.js';
import { renderPage, translatorFor } from '../render.js';
import { enrolled } from './enrol-finish.js';
import { enrolmentReason, type EnrolmentOffer } from './enrol-offer.js';
import { signInStates } from './state.js';
import type { EnrolStep } from './step-types.js';
import { continueSignIn } from './steps.js';

export async function showTotpEnrolment(
  ctx: Context,
  deps: InteractionDeps,
  details: InteractionDetails,
  step: EnrolStep,
  offer: EnrolmentOffer,
  form: { error?: string | undefined; status?: number } = {},
): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const { state, account } = step;
  if (!state.enrol) {
    state.enrol = startTotpEnrolment(deps);
    await signInStates(deps.store).save(details.uid, state);
  }
  const client = await clientName(deps, details.params['client_id']);
  const view = await totpEnrolmentView(deps, state.enrol, account);
  renderPage(
    ctx,
    deps.views,
    tr,
    'enrol-totp',
    {
      title: tr.t('enrol.title'),
      ...view,
      required: await enrolmentReason(deps, details, tr, offer),
      action: `/interaction/${details.uid}/enrol/totp`,
      csrf: deps.csrf.token(ctx),
      error: form.error,
      otherMethods: offer.kinds.length > 1 ? { action: `/interaction/${details.uid}/enrol/choose`, csrf: deps.csrf.token(ctx) } : undefined,
      cancel: client ? { href: `/interaction/${details.uid}/abort`, text: tr.t('login.cancel', { client }) } : undefined,
    },
    form.status ?? 200,
  );
}

export async function submitTotpEnrolment(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: EnrolStep, offer: EnrolmentOffer): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const { state, account } = step;
  if (!state.enrol) return continueSignIn(ctx, deps, details);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const typed = typeof body['code'] === 'string' ? body['code'].slice(0, 64) : '';
  const context = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
  const result = await confirmTotpEnrolment(deps, account, state.enrol, typed, context);
  if (!result.ok) return showTotpEnrolment(ctx, deps, details, step, offer, { error: tr.t(`mfa.${result.reason}`), status: 400 });
  state.enrol = undefined;
  return enrolled(ctx, deps, details, step, result.factor, factorOf(result.factor.kind).amr(result.factor));
}
