// Recovery codes as a Factor: not a row of `factors` (their own table, made with the first
// factor), offered at sign-in while unused ones are left; each works once.
import type { Factor } from '../factor.js';

export const recoveryCodesFactor: Factor<'recovery'> = {
  kind: 'recovery',
  stored: false,
  proof: 'code',
  amr: () => ['otp'],
  catalogue: { kind: 'audit_event.kind_recovery' },
  describe: (say) => ({ name: say.t('mfa.method_recovery'), method: say.t('mfa.method_recovery') }),
  async verify(deps, { accountId, typed }) {
    const hash = deps.hashRecoveryCode(accountId, typed);
    if (!hash) return { ok: false, reason: 'malformed_recovery' };
    const remaining = await deps.recoveryCodes.consume(accountId, hash);
    if (remaining === undefined) return { ok: false, reason: 'wrong_code' };
    return { ok: true, amr: ['otp'], remainingRecoveryCodes: remaining };
  },
};
