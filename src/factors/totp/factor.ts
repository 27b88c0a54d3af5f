// The authenticator app (TOTP) as a Factor: a typed code checked against the sealed secret; the
// accepted time step is recorded, and the UPDATE refuses a step that does not move forward, so a
// code works once even when two replicas check it at the same moment.
import type { Factor } from '../factor.js';
import { totpSecretContext } from './totp-secret.js';

export const totpFactor: Factor<'totp'> = {
  kind: 'totp',
  stored: true,
  proof: 'code',
  amr: () => ['otp'],
  catalogue: { kind: 'activity.kind_totp', enrol: 'policy.enrol_kind_totp' },
  describe: (say, f) => ({
    name: f?.label || say.t('profile.kind_totp'),
    method: f?.label ? `${say.t('mfa.method_totp')} (${f.label})` : say.t('mfa.method_totp'),
  }),
  async verify(deps, { factor, typed }) {
    if (!factor?.secretSealed) return { ok: false, reason: 'wrong_code' };
    const secret = deps.box.open(factor.secretSealed, totpSecretContext(factor.id));
    const result = await deps.totp.check(secret, typed, factor.lastStep ?? undefined);
    if (!result.ok) return { ok: false, reason: `${result.reason === 'malformed' ? 'malformed' : result.reason === 'replayed' ? 'replayed' : 'wrong'}_code` };
    // the step only moves forward; a concurrent use of the same code loses here
    if (!(await deps.factors.advanceStep(factor.id, result.step))) return { ok: false, reason: 'replayed_code' };
    return { ok: true, amr: ['otp'], factorId: factor.id };
  },
};
