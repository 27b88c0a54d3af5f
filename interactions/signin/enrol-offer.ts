// What enrolment inside a sign-in may offer: the kinds the organisation allows and this
// installation can deliver (enrol/policy.ts), the one being set up, and why it is needed.
import { twoFactorEnforced, type PolicyFactorKind, type TwoFactorPolicy } from '../../src/organisations/policy.js';
import type { Translator } from '../../src/i18n/i18n.js';
import { clientName } from '../client-name.js';
import type { InteractionDeps } from '../context.js';
import { accountPolicy, offeredKinds } from '../enrol/policy.js';
import type { InteractionDetails } from '../load.js';
import { enrolProgress, type EnrolProgress } from './policy-step.js';
import type { EnrolStep } from './step-types.js';

export interface EnrolmentOffer {
  policy: TwoFactorPolicy;
  /** what may be set up here */
  kinds: PolicyFactorKind[];
  /** what is being set up; undefined: the chooser */
  kind: PolicyFactorKind | undefined;
  progress: EnrolProgress;
  /** the organisation requires it (else the app does) */
  byPolicy: boolean;
}

export async function enrolmentOffer(deps: InteractionDeps, details: InteractionDetails, step: EnrolStep): Promise<EnrolmentOffer> {
  // an exempt account enrols only because the app demands it: the page must not say its organisation does
  const policy = await accountPolicy(deps, step.account);
  // e-mail codes go to the account's own address, which must be confirmed
  const kinds = offeredKinds(deps, policy).filter((k) => k !== 'email' || step.account.emailVerified);
  const progress = await enrolProgress(deps.store, details.uid).load();
  const kind = progress.kind && kinds.includes(progress.kind) ? progress.kind : progress.choosing ? undefined : kinds.includes('totp') ? 'totp' : kinds.length === 1 ? kinds[0] : undefined;
  return { policy, kinds, kind, progress, byPolicy: twoFactorEnforced(policy, new Date(deps.clock.now())) || progress.now === true };
}

/** Why a second factor is needed now, in the page's words. */
export async function enrolmentReason(deps: InteractionDeps, details: InteractionDetails, tr: Translator, offer: EnrolmentOffer): Promise<string> {
  const client = await clientName(deps, details.params['client_id']);
  const why = offer.byPolicy ? tr.t('policy.enrol_required_org') : tr.t('policy.enrol_required_app', { client: client ?? tr.t('product') });
  return offer.policy.logoutAfterActivation ? `${why} ${tr.t('policy.will_sign_out')}` : why;
}
