// A second factor was set up inside the sign-in: what follows, whichever kind it was.
import type { Context } from 'koa';
import { withSecondFactor } from '../../src/factors/amr.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { InteractionDeps } from '../context.js';
import { afterFactorAdded, endAllSessions } from '../enrol/policy.js';
import { issueFirstRecoveryCodes } from '../enrol/recovery-codes.js';
import type { InteractionDetails } from '../load.js';
import { renderPage, translatorFor } from '../render.js';
import { enrolProgress } from './policy-step.js';
import { signInStates } from './state.js';
import type { EnrolStep } from './step-types.js';
import { continueSignIn } from './steps.js';

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
