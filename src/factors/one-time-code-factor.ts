// What the e-mail and the SMS code factors share (email-code/, sms-code/): a six-digit code sent
// to the factor's destination (one-time-code.ts), bound to the sign-in and the factor, checked
// once; a right one marks the factor used.
import type { Factor } from './factor.js';

export function codeByMessage<K extends string>(
  spec: Pick<Factor<K>, 'kind' | 'catalogue' | 'maskDestination'> & { delivery: 'email' | 'sms'; amr: readonly string[]; nameKey: string; methodKey: string },
): Factor<K> {
  const mask = spec.maskDestination!;
  return {
    kind: spec.kind,
    stored: true,
    proof: 'code',
    delivery: spec.delivery,
    maskDestination: mask,
    amr: () => spec.amr,
    catalogue: spec.catalogue,
    describe: (say, f) => ({
      name: f?.label || say.t(spec.nameKey, { destination: f?.destination ?? '' }),
      method: say.t(spec.methodKey, { destination: f ? mask(f.destination ?? '') : '' }),
    }),
    async verify(deps, { factor, binding, typed }) {
      if (!factor) return { ok: false, reason: 'wrong_code' };
      const result = await deps.codes.check(binding, typed);
      if (!result.ok) return { ok: false, reason: `${result.reason === 'wrong_code' ? 'wrong' : result.reason}_code` };
      await deps.factors.touch(factor.id);
      return { ok: true, amr: spec.amr, factorId: factor.id };
    },
  };
}
