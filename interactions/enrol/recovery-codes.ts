// Recovery codes are made when the first second factor is set up (and on request from the
// profile). They are returned once, to be shown once; only their keyed hashes are stored.
import { generateRecoveryCodes } from '../../src/factors/recovery-codes/recovery-codes.js';
import type { InteractionDeps } from '../context.js';

type Deps = Pick<InteractionDeps, 'recoveryCodes' | 'hashRecoveryCode' | 'audit'>;

export async function issueRecoveryCodes(deps: Deps, accountId: string, context: { ip: string; userAgent: string; reason: 'first_factor' | 'regenerated' }): Promise<string[]> {
  const codes = generateRecoveryCodes();
  await deps.recoveryCodes.replace(
    accountId,
    codes.map((c) => deps.hashRecoveryCode(accountId, c)!),
  );
  await deps.audit.record({ type: 'recovery_codes.generated', accountId, ip: context.ip, userAgent: context.userAgent, details: { reason: context.reason, count: codes.length } });
  return codes;
}

/** Codes for an account's first factor; undefined when it already has codes. */
export async function issueFirstRecoveryCodes(deps: Deps, accountId: string, context: { ip: string; userAgent: string }): Promise<string[] | undefined> {
  if ((await deps.recoveryCodes.countUnused(accountId)) > 0) return undefined;
  return issueRecoveryCodes(deps, accountId, { ...context, reason: 'first_factor' });
}
