// The organisation's two-step verification policy in the sign-in (enrol/policy.ts has the rules
// shared with the profile). nextStep (steps.ts) asks `whenNoFactor` what to do for a user with
// no usable second factor:
//
//   mode off        nothing is asked or offered; an app that demands a second factor (require_mfa,
//                   acr_values) gets a page that says why it cannot be used, then access_denied
//   optional        as before: enrolment only when the app demands a second factor
//   required        enrolment inside the sign-in (from the mandatory-from date, when there is one);
//                   before that date a page invites the user to set it up, with "Later" — unless an
//                   administrator exempted the account (enrol/policy.ts applyExemption): then as
//                   optional. Asked here only, for a user without a usable factor.
import type { Account } from '../../src/storage/postgres/accounts.js';
import { twoFactorEnforced, type PolicyFactorKind, type TwoFactorPolicy } from '../../src/organisations/policy.js';
import type { ShortLivedStore } from '../../src/storage/short-lived/store.js';
import type { InteractionDeps } from '../context.js';
import { applyExemption } from '../enrol/policy.js';
import type { InteractionDetails } from '../load.js';
import type { SignInState } from './state.js';
import type { Step } from './step-types.js';

/** What the user decided in this sign-in about setting up a second factor (kept beside the sign-in state). */
export interface EnrolProgress {
  /** "Later" on the invitation */
  later?: boolean;
  /** "Set up now" on the invitation */
  now?: boolean;
  /** the kind of factor being set up */
  kind?: PolicyFactorKind | undefined;
  /** "Use another method": show the chooser instead of the authenticator app */
  choosing?: boolean;
  /** the mobile number given for SMS codes (E.164) */
  destination?: string | undefined;
}

export function enrolProgress(store: ShortLivedStore, uid: string) {
  const key = `signin-policy:${uid}`;
  return {
    async load(): Promise<EnrolProgress> {
      const raw = await store.get(key);
      return raw ? (JSON.parse(raw) as EnrolProgress) : {};
    },
    async save(progress: EnrolProgress): Promise<void> {
      await store.set(key, JSON.stringify(progress), 30 * 60);
    },
    async clear(): Promise<void> {
      await store.del(key);
    },
  };
}

/** The step for a user without a usable second factor. */
export async function whenNoFactor(
  deps: InteractionDeps,
  details: InteractionDetails,
  state: SignInState,
  account: Account,
  organisationPolicy: TwoFactorPolicy,
  appDemands: () => Promise<boolean>,
): Promise<Step> {
  const policy = await applyExemption(deps, account.id, organisationPolicy);
  if (policy.mode === 'off') return (await appDemands()) ? { step: 'refused', state, account } : { step: 'finish', state };
  if (twoFactorEnforced(policy, new Date(deps.clock.now())) || (await appDemands())) return { step: 'enrol', state, account };
  if (policy.mode === 'required' && policy.mandatoryFrom) {
    const progress = await enrolProgress(deps.store, details.uid).load();
    if (progress.now) return { step: 'enrol', state, account };
    if (!progress.later) return { step: 'invite', state, account, from: policy.mandatoryFrom };
  }
  return { step: 'finish', state };
}
