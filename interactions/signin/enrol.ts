// Enrolment inside a sign-in: a second factor is required (by the app, acr_values or the
// organisation's policy) and the user has none yet. They set up one of the methods the
// organisation allows (an authenticator app here; e-mail, SMS and security keys in
// enrol-methods.ts), get their recovery codes, and the sign-in finishes with both factors
// proven — or, when the policy says so, starts again so they sign in with the new factor.
import type { Context } from 'koa';
import { withSecondFactor } from '../../src/factors/amr.js';
import { factorOf } from '../../src/factors/registry.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { InteractionDeps } from '../context.js';
import { clientName } from '../client-name.js';
import { afterFactorAdded, endAllSessions } from '../enrol/policy.js';
import { confirmTotpEnrolment, startTotpEnrolment, totpEnrolmentView } from '../enrol/totp.js';
import { issueFirstRecoveryCodes } from '../enrol/recovery-codes.js';
import type { Translator } from '../i18n.js';
import type { InteractionDetails } from '../load.js';
import { renderPage, translatorFor } from '../render.js';
import { enrolmentOffer, showOtherEnrolment, type EnrolmentOffer } from './enrol-methods.js';
import { enrolProgress } from './policy.js';
import { signInStates } from './state.js';
import { continueSignIn, type Step } from './steps.js';

export type EnrolStep = Extract<Step, { step: 'enrol' }>;

/** Why a second factor is needed now, in the page's words. */
export async function enrolmentReason(deps: InteractionDeps, details: InteractionDetails, tr: Translator, offer: EnrolmentOffer): Promise<string> {
  const client = await clientName(deps, details.params['client_id']);
  const why = offer.byPolicy ? tr.t('policy.enrol_required_org') : tr.t('policy.enrol_required_app', { client: client ?? tr.t('product') });
  return offer.policy.logoutAfterActivation ? `${why} ${tr.t('policy.will_sign_out')}` : why;
}

export async function showEnrolment(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: EnrolStep, form: { error?: string; status?: number } = {}): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const offer = await enrolmentOffer(deps, details, step);
  if (offer.kind !== 'totp') return showOtherEnrolment(ctx, deps, details, step, offer, form);
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

export async function submitEnrolment(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: EnrolStep): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const { state, account } = step;
  if (!state.enrol) return continueSignIn(ctx, deps, details);
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const typed = typeof body['code'] === 'string' ? body['code'].slice(0, 64) : '';
  const context = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
  const result = await confirmTotpEnrolment(deps, account, state.enrol, typed, context);
  if (!result.ok) return showEnrolment(ctx, deps, details, step, { error: tr.t(`mfa.${result.reason}`), status: 400 });
  state.enrol = undefined;
  return enrolled(ctx, deps, details, step, result.factor, factorOf(result.factor.kind).amr(result.factor));
}

/**
 * A factor was set up inside the sign-in: the policy's rules (enrol/policy.ts), the proven
 * factor added to amr, the recovery codes shown; with logoutAfterActivation the sign-in starts
 * again (every session of the account ends) and the password page says why.
 */
export async function enrolled(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: EnrolStep, factor: FactorRecord, amr: readonly string[]): Promise<void> {
  const tr = translatorFor(ctx, deps.i18n, details.params['ui_locales'] as string | undefined);
  const { state, account } = step;
  const context = { ip: ctx.ip, userAgent: ctx.get('user-agent') };
  const states = signInStates(deps.store);
  await enrolProgress(deps.store, details.uid).clear();
  const { signOut } = await afterFactorAdded(deps, account, factor, context);
  const codes = await issueFirstRecoveryCodes(deps, account.id, context);
  if (signOut) {
    await endAllSessions(deps, account.id);
    await states.abandon(details.uid, 'policy.signed_out_after_activation');
  } else {
    state.amr = withSecondFactor(state.amr, amr);
    await states.save(details.uid, state);
  }
  if (!codes) return continueSignIn(ctx, deps, details);
  renderPage(ctx, deps.views, tr, 'recovery-codes', {
    title: tr.t('enrol.codes_title'),
    notice: signOut ? tr.t('policy.enabled_sign_in_again') : tr.t('enrol.enabled'),
    codes,
    action: `/interaction/${details.uid}/continue`,
    csrf: deps.csrf.token(ctx),
  });
}
