// The sign-in, step by step: the table of what comes next (nextStep). Every request of a sign-in
// ends here to learn it; each step is small and lives in its own file, and the steps' types are
// in step-types.ts, so no step module needs this one to say what it is.
//
//   1. password     who is signing in (skipped for a step-up: the session already proved it)
//   2. regulation   around every credential check (src/regulation, regulate.ts)
//   3. second factor needed?  an enrolled factor of a kind the organisation allows, the app's
//                   "require a second factor", acr_values asking for urn:twofold:acr:mfa, or the
//                   organisation's policy (signin/policy-step.ts: off, optional, required from a date)
//   4. enrolment    none enrolled yet but one is needed: set one up now (enrol.ts)
//   5. choose       several methods: the preferred one is offered first
//   6. factor       prove it (authenticator app, e-mail code, SMS code, recovery code)
//   7. finish       amr/acr from exactly what was proven
import type { Context } from 'koa';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import { acr } from '../../src/oidc/authentication.js';
import { factorOf, registry } from '../../src/factors/registry.js';
import type { InteractionDeps } from '../context.js';
import { finishLogin } from '../finish.js';
import type { InteractionDetails } from '../load.js';
import { checkRememberedDevice } from './remembered-device.js';
import { policyOf, usableFactors } from '../enrol/policy.js';
import { whenNoFactor } from './policy-step.js';
import { signInStates, type SignInState } from './state.js';
import type { Method, Step } from './step-types.js';
import { rememberLocale } from '../recovery/locale.js';

/** A step-up: the session has the password, the request wants a second factor, nothing else. */
function isStepUp(details: InteractionDetails): boolean {
  const reasons = details.prompt.reasons;
  return Boolean(details.session?.accountId) && reasons.length > 0 && reasons.every((r) => r === 'mfa_required');
}

async function demandsSecondFactor(deps: InteractionDeps, details: InteractionDetails): Promise<boolean> {
  if (
    String(details.params['acr_values'] ?? '')
      .split(' ')
      .includes(acr.mfa)
  )
    return true;
  const clientId = details.params['client_id'];
  const client = typeof clientId === 'string' ? await deps.provider().Client.find(clientId) : undefined;
  return client?.metadata()['require_mfa'] === true;
}

/**
 * The methods a user can prove a second factor with, the preferred one first. All security keys
 * and passkeys are one method ("webauthn"): the browser offers whichever the user has at hand.
 */
export function methodsOf(account: Account, factors: FactorRecord[], unusedRecoveryCodes: number): Method[] {
  const ordered = [...factors].sort((a, b) => Number(b.id === account.preferredFactorId) - Number(a.id === account.preferredFactorId));
  // a ceremony factor (WebAuthn) is one method for all its credentials: the browser picks one
  const ceremony = (f: FactorRecord) => factorOf(f.kind).proof === 'ceremony';
  const methods: Method[] = [];
  for (const f of ordered) {
    if (!ceremony(f)) methods.push({ id: f.id, kind: f.kind, factor: f });
    else if (!methods.some((m) => m.kind === f.kind)) methods.push({ id: f.kind, kind: f.kind, keys: ordered.filter((k) => k.kind === f.kind) });
  }
  // kinds that are not stored factors (recovery codes): offered while some are left
  for (const f of registry) if (!f.stored && unusedRecoveryCodes > 0) methods.push({ id: f.kind, kind: f.kind });
  return methods;
}

/** The chooser's preselection: the preferred factor's method. */
export function preferredMethodId(account: Account, methods: Method[]): string | undefined {
  const m = methods.find((x) => x.factor?.id === account.preferredFactorId || x.keys?.some((k) => k.id === account.preferredFactorId));
  return m?.id;
}

/**
 * What comes next in this sign-in. `known` is what the caller has just established itself (the
 * password step: the state it made and the account it found), so it is not read back; with it
 * comes the request (`ctx`), whose remembered-device cookie is checked then, once.
 */
export async function nextStep(deps: InteractionDeps, details: InteractionDetails, known?: { state: SignInState; account: Account }, ctx?: Context): Promise<Step> {
  const states = signInStates(deps.store);
  let state = known?.state ?? (await states.load(details.uid));
  if (!state) {
    // a step-up stopped for too many wrong codes does not get a fresh set of tries without the password
    if (!isStepUp(details) || (await states.wasAbandoned(details.uid))) return { step: 'password' };
    const session = details.session!;
    state = { accountId: session.accountId, amr: session.amr?.length ? [...session.amr] : ['pwd'], stepUp: true, wrongCodes: 0 };
    await states.save(details.uid, state);
  }
  if (state.amr.includes('mfa')) return { step: 'finish', state };
  const accountId = state.accountId;
  const [account, factors, unusedRecoveryCodes] = await Promise.all([
    known?.account ?? deps.accounts.findById(accountId),
    deps.factors.findByAccount(accountId),
    deps.recoveryCodes.countUnused(accountId),
  ]);
  if (!account || account.disabledAt) {
    await states.clear(details.uid);
    return { step: 'password' };
  }
  // the organisation's policy: which factors count, and what happens without one (policy-step.ts)
  const policy = await policyOf(deps, account);
  const usable = usableFactors(policy, factors);
  if (usable.length === 0) return whenNoFactor(deps, details, state, account, policy, () => demandsSecondFactor(deps, details));
  // a remembered device skips the second factor (remembered-device.ts says when it may not)
  if (ctx && known && state.device === undefined) state.device = await checkRememberedDevice(ctx, deps, details, account, policy);
  if (state.device?.honoured) return { step: 'finish', state };
  const methods = methodsOf(account, usable, unusedRecoveryCodes);
  const chosen = methods.find((m) => m.id === state.method) ?? (methods.length === 1 ? methods[0] : undefined);
  if (!chosen) return { step: 'choose', state, account, methods };
  return { step: 'factor', state, account, method: chosen, methods, policy };
}

/** End the sign-in with what was proven. */
export async function finishSignIn(ctx: Context, deps: InteractionDeps, details: InteractionDetails, state: SignInState, opts: { saved?: boolean } = {}): Promise<void> {
  await deps.audit.record({
    type: 'signin.succeeded',
    accountId: state.accountId,
    clientId: String(details.params['client_id'] ?? ''),
    ip: ctx.ip,
    userAgent: ctx.get('user-agent'),
    details: { amr: state.amr, stepUp: state.stepUp, ...(state.device?.honoured ? { rememberedDevice: state.device.honoured } : {}) },
  });
  await rememberLocale(ctx, deps, details, state.accountId); // security e-mails are written in it
  if (opts.saved !== false) await signInStates(deps.store).clear(details.uid);
  return finishLogin(ctx, deps, { accountId: state.accountId, amr: state.amr, rememberedDevice: Boolean(state.device?.honoured) && !state.amr.includes('mfa') });
}

/**
 * After a POST: finish if nothing is left to prove, else show the next page (PRG). With
 * `known` (a state not saved yet), the state is saved only when a next page needs it.
 */
export async function continueSignIn(ctx: Context, deps: InteractionDeps, details: InteractionDetails, known?: { state: SignInState; account: Account }): Promise<void> {
  const next = await nextStep(deps, details, known, ctx);
  if (next.step === 'finish') return finishSignIn(ctx, deps, details, next.state, { saved: !known });
  if (known) await signInStates(deps.store).save(details.uid, known.state);
  ctx.status = 303;
  ctx.redirect(`/interaction/${details.uid}`);
}
