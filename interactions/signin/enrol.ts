// Enrolment inside a sign-in: the app (or acr_values) requires a second factor and the user has
// none yet. They set up an authenticator app, get their recovery codes, and the sign-in
// finishes with both factors proven.
import type { Context } from 'koa';
import { amrForCodeFactor, withSecondFactor } from '../../src/factors/amr.js';
import type { InteractionDeps } from '../context.js';
import { clientName } from '../client-name.js';
import { confirmTotpEnrolment, startTotpEnrolment, totpEnrolmentView } from '../enrol/totp.js';
import { issueFirstRecoveryCodes } from '../enrol/recovery-codes.js';
import type { InteractionDetails } from '../load.js';
import { renderPage, translatorFor } from '../render.js';
import { signInStates } from './state.js';
import { continueSignIn, type Step } from './steps.js';

type EnrolStep = Extract<Step, { step: 'enrol' }>;

export async function showEnrolment(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: EnrolStep, form: { error?: string; status?: number } = {}): Promise<void> {
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
      required: tr.t('enrol.required', { client: client ?? tr.t('product') }),
      action: `/interaction/${details.uid}/enrol/totp`,
      csrf: deps.csrf.token(ctx),
      error: form.error,
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
  state.amr = withSecondFactor(state.amr, amrForCodeFactor.totp);
  await signInStates(deps.store).save(details.uid, state);
  const codes = await issueFirstRecoveryCodes(deps, account.id, context);
  if (!codes) return continueSignIn(ctx, deps, details);
  renderPage(ctx, deps.views, tr, 'recovery-codes', {
    title: tr.t('enrol.codes_title'),
    notice: tr.t('enrol.enabled'),
    codes,
    action: `/interaction/${details.uid}/continue`,
    csrf: deps.csrf.token(ctx),
  });
}
