// What recovery does to an account, in one place: forget remembered devices (through the hooks
// other areas register), sign out everywhere, reset the second factors (now, or when a
// scheduled reset falls due).
import type { InteractionDeps } from '../context.js';

export type RecoveryDeps = Pick<InteractionDeps, 'accountSessions' | 'onForgetAllDevices' | 'factorResets' | 'audit' | 'accounts' | 'clock' | 'log'>;

export interface RequestContext {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Run every "forget this account's remembered devices" hook; a failing hook is logged. */
export async function forgetAllDevices(deps: Pick<RecoveryDeps, 'onForgetAllDevices' | 'log'>, accountId: string): Promise<void> {
  for (const hook of deps.onForgetAllDevices) {
    try {
      await hook(accountId);
    } catch (err) {
      deps.log.error({ err: (err as Error).message, accountId }, 'could not forget remembered devices');
    }
  }
}

/** Every session, grant and token of the account ends; every remembered device is forgotten. */
export async function signOutEverywhere(deps: RecoveryDeps, accountId: string): Promise<void> {
  await deps.accountSessions.endEverywhere(accountId);
  await forgetAllDevices(deps, accountId);
}

/** The reset itself: factors and recovery codes gone, signed out everywhere, audited (which e-mails the owner). */
export async function performFactorReset(deps: RecoveryDeps, accountId: string, context: RequestContext, how: { scheduled: boolean }): Promise<void> {
  const removed = await deps.factorResets.removeSecondFactors(accountId);
  await signOutEverywhere(deps, accountId);
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
