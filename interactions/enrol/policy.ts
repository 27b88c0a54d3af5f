// The organisation's two-step verification policy as the sign-in and the profile apply it:
// which enrolled factors count, which kinds may be set up, the first factor switching two-step
// verification on (and, by policy, ending the sessions), "one code method at a time", and an
// administrator's exemption of one account from "required".
import { factorKinds, factorOf, isDelivered, type FactorKind } from '../../src/factors/registry.js';
import type { Account } from '../../src/storage/postgres/accounts.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import { defaultPolicy, type PolicyFactorKind, type TwoFactorPolicy } from '../../src/organisations/policy.js';
import type { InteractionDeps } from '../context.js';

export type AuditContext = { ip: string; userAgent: string };

/** The policy of the account's organisation (the defaults when it has none). */
export async function policyOf(deps: Pick<InteractionDeps, 'organisations'>, account: Pick<Account, 'organisationId'>): Promise<TwoFactorPolicy> {
  return (await deps.organisations.findById(account.organisationId))?.policy ?? defaultPolicy;
}

/** "Required" as an exempt account lives with it: optional, no mandatory-from date. */
const exempted = (policy: TwoFactorPolicy): TwoFactorPolicy => ({ ...policy, mode: 'optional', mandatoryFrom: null });

/**
 * The policy as it applies to this account: under "required", an administrator's exemption in
 * effect (src/storage/postgres/twofa-exemptions.ts) makes it "optional" for the account. Only
 * "required" costs a query; callers on the sign-in's ordinary path (a user with a usable
 * factor) do not ask at all — an exemption never skips an enrolled factor.
 */
export async function applyExemption(deps: Pick<InteractionDeps, 'twoFactorExemptions' | 'clock'>, accountId: string, policy: TwoFactorPolicy): Promise<TwoFactorPolicy> {
  if (policy.mode !== 'required') return policy;
  return (await deps.twoFactorExemptions.inEffect(accountId, new Date(deps.clock.now()))) ? exempted(policy) : policy;
}

/** The account's organisation policy with its exemption applied (applyExemption). */
export async function accountPolicy(deps: Pick<InteractionDeps, 'organisations' | 'twoFactorExemptions' | 'clock'>, account: Pick<Account, 'id' | 'organisationId'>): Promise<TwoFactorPolicy> {
  return applyExemption(deps, account.id, await policyOf(deps, account));
}

/** The limits of a sign-in's codes: the organisation's, else the server's. */
export function codeLimits(deps: Pick<InteractionDeps, 'config'>, policy: TwoFactorPolicy): { maxWrongCodes: number; codeTtlSeconds: number } {
  return {
    maxWrongCodes: policy.maxWrongCodes ?? deps.config.secondFactor.maxWrongCodes,
    codeTtlSeconds: policy.codeTtlSeconds ?? deps.config.secondFactor.codeTtlSeconds,
  };
}

/**
 * The enrolled factors that count: none when the organisation turned two-step verification
 * off, else those of an allowed kind (a factor of a kind no longer allowed is not offered).
 */
export function usableFactors(policy: TwoFactorPolicy, factors: FactorRecord[]): FactorRecord[] {
  if (policy.mode === 'off') return [];
  return factors.filter((f) => policy.allowedMethods.includes(f.kind));
}

/** The kinds a user may set up now: allowed by the policy and deliverable by this installation. */
export function offeredKinds(deps: Pick<InteractionDeps, 'config' | 'sms'>, policy: TwoFactorPolicy): PolicyFactorKind[] {
  if (policy.mode === 'off') return [];
  // a code sent by a channel needs that channel; the order of the pages is the registry's
  const channels = { email: Boolean(deps.config.mail.smtpUrl) || deps.config.outbox, sms: deps.sms !== undefined };
  const deliverable = (k: FactorKind) => {
    const delivery = factorOf(k).delivery;
    return delivery === undefined || channels[delivery];
  };
  return factorKinds.filter((k): k is PolicyFactorKind & FactorKind => deliverable(k) && policy.allowedMethods.includes(k as PolicyFactorKind));
}

/** With "one code method at a time": the e-mail or SMS factor a new one of the other kind replaces. */
export function replacedCodeFactors(policy: TwoFactorPolicy, factors: FactorRecord[], kind: FactorRecord['kind']): FactorRecord[] {
  if (!policy.oneCodeMethod || !isDelivered(kind)) return [];
  return factors.filter((f) => isDelivered(f.kind) && f.kind !== kind);
}

/**
 * After a factor was stored and its factor.enrolled recorded: remove the code factor it replaces
 * (oneCodeMethod), and when it is the account's first, record twofactor.enabled. Returns whether
 * it was the first, and whether the policy wants the user signed out now.
 */
export async function afterFactorAdded(
  deps: Pick<InteractionDeps, 'factors' | 'audit' | 'organisations'>,
  account: Pick<Account, 'id' | 'organisationId'>,
  factor: FactorRecord,
  context: AuditContext,
): Promise<{ first: boolean; signOut: boolean }> {
  const policy = await policyOf(deps, account);
  const all = await deps.factors.findByAccount(account.id);
  const first = all.length === 1 && all[0]!.id === factor.id;
  for (const old of replacedCodeFactors(policy, all, factor.kind)) {
    if (old.id === factor.id) continue;
    await deps.factors.delete(account.id, old.id);
    await deps.audit.record({ type: 'factor.removed', accountId: account.id, ...context, details: { kind: old.kind, factorId: old.id, reason: 'replaced', replacedBy: factor.id } });
  }
  if (first) await deps.audit.record({ type: 'twofactor.enabled', accountId: account.id, ...context, details: { kind: factor.kind, factorId: factor.id } });
  return { first, signOut: first && policy.logoutAfterActivation };
}

/** Record twofactor.disabled when an account has no factor left. */
export async function afterFactorRemoved(deps: Pick<InteractionDeps, 'factors' | 'audit'>, accountId: string, context: AuditContext, reason: string): Promise<number> {
  const left = (await deps.factors.findByAccount(accountId)).length;
  if (left === 0) await deps.audit.record({ type: 'twofactor.disabled', accountId, ...context, details: { reason } });
  return left;
}

/** End every sign-in session of the account (this browser's too): the user signs in again with the new factor. */
export async function endAllSessions(deps: Pick<InteractionDeps, 'accountSessions'>, accountId: string): Promise<number> {
  // no session has the empty id: endOthers keeps none
  return deps.accountSessions.endOthers(accountId, '');
}

/** recovery_codes.used, with how many are left (the security e-mail says so). */
export async function recordRecoveryCodeUsed(deps: Pick<InteractionDeps, 'audit' | 'recoveryCodes'>, audit: { accountId: string; clientId?: string; ip: string; userAgent: string }): Promise<void> {
  const remaining = await deps.recoveryCodes.countUnused(audit.accountId);
  await deps.audit.record({ type: 'recovery_codes.used', ...audit, details: { remaining } });
}

/** Whether removing this factor would leave no usable one where the organisation requires two-step verification (and the account is not exempt). */
export async function lastRequiredFactor(
  deps: Pick<InteractionDeps, 'factors' | 'organisations' | 'twoFactorExemptions' | 'clock'>,
  account: Pick<Account, 'id' | 'organisationId'>,
  factor: FactorRecord,
): Promise<boolean> {
  const policy = await accountPolicy(deps, account);
  if (policy.mode !== 'required') return false;
  return usableFactors(policy, await deps.factors.findByAccount(account.id)).every((f) => f.id === factor.id);
}
