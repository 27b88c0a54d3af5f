// Enrolment inside a sign-in: a second factor is required (by the app, acr_values or the
// organisation's policy) and the user has none yet. They set up one of the methods the
// organisation allows (an authenticator app here; e-mail, SMS and security keys in
// enrol-methods.ts), get their recovery codes, and the sign-in finishes with both factors
// proven — or, when the policy says so, starts again so they sign in with the new factor.
import type { Context } from 'koa';
import type { InteractionDeps } from '../context.js';
import type { InteractionDetails } from '../load.js';
import { showOtherEnrolment } from './enrol-methods.js';
import { enrolmentOffer } from './enrol-offer.js';
import { submitTotpEnrolment } from './enrol-totp.js';
import type { EnrolStep } from './step-types.js';

/** The enrolment page for what is being set up now (the chooser when nothing is yet). */
export async function showEnrolment(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: EnrolStep): Promise<void> {
  return showOtherEnrolment(ctx, deps, details, step, await enrolmentOffer(deps, details, step));
}

/** The authenticator app's code (the other kinds post to their own routes in enrol-methods.ts). */
export async function submitEnrolment(ctx: Context, deps: InteractionDeps, details: InteractionDetails, step: EnrolStep): Promise<void> {
  return submitTotpEnrolment(ctx, deps, details, step, await enrolmentOffer(deps, details, step));
}
