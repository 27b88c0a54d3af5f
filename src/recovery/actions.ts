// What recovery does to an account, in one place: forget remembered devices, sign out
// everywhere, reset the second factors (now, or when a scheduled reset falls due).
import type { RequestDeps } from '../services.js';

export type RecoveryDeps = Pick<RequestDeps, 'accountSessions' | 'devices' | 'factorResets' | 'audit' | 'accounts' | 'clock' | 'log'>;

export interface RequestContext {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Why every remembered device of an account is forgotten: the next sign-in on one says so. */
export type ForgetReason = 'password_changed' | 'factor_reset' | 'not_me' | 'signed_out_everywhere' | 'administrator';

/** Forget every remembered device of the account; a failure is logged, the caller's action goes on. */
export async function forgetAllDevices(
  deps: Pick<RecoveryDeps, 'devices' | 'log'>,
  accountId: string,
  reason: ForgetReason,
  context: RequestContext = {},
  /** who asked, when it was not the owner (an administrator: actor()) */
  by?: Record<string, unknown>,
): Promise<void> {
  try {
    await deps.devices.forgetAll(accountId, reason, { ...(context.ip ? { ip: context.ip } : {}), ...(context.userAgent ? { userAgent: context.userAgent } : {}), ...(by ? { by } : {}) });
  } catch (err) {
    deps.log.error({ err: (err as Error).message, accountId }, 'could not forget remembered devices');
  }
}

/** Every session, grant and token of the account ends; every remembered device is forgotten. */
export async function signOutEverywhere(deps: RecoveryDeps, accountId: string, reason: ForgetReason, context: RequestContext = {}): Promise<void> {
  await deps.accountSessions.endEverywhere(accountId);
  await forgetAllDevices(deps, accountId, reason, context);
}

/** The reset itself: factors and recovery codes gone, signed out everywhere, audited (which e-mails the owner). */
export async function performFactorReset(deps: RecoveryDeps, accountId: string, context: RequestContext, how: { scheduled: boolean }): Promise<void> {
  const removed = await deps.factorResets.removeSecondFactors(accountId);
  await signOutEverywhere(deps, accountId, 'factor_reset', context);
  await deps.audit.record({ type: 'factor.reset', accountId, ip: context.ip, userAgent: context.userAgent, details: { removed, scheduled: how.scheduled } });
}

/**
 * A scheduled reset whose cool-off has passed takes effect now (at the account's next sign-in,
 * or when its owner follows a recovery link). True when one did.
 */
export async function applyDueFactorReset(deps: RecoveryDeps, accountId: string, context: RequestContext = {}): Promise<boolean> {
  const due = await deps.factorResets.claimDue(accountId, new Date(deps.clock.now()));
  if (!due) return false;
  await performFactorReset(deps, accountId, context, { scheduled: true });
  return true;
}
