// Checking what the user gave on the second-factor page, per method: an authenticator-app code
// (a time step only moves forward), an e-mail or SMS code (bound to this sign-in and factor), a
// recovery code (used once), a security key's assertion (its counter only moves forward; a
// clone is audited). No HTTP here: the caller counts, regulates and renders.
import { amrForCodeFactor } from '../../src/factors/amr.js';
import { totpSecretContext } from '../../src/factors/totp-secret.js';
import { isAppError } from '../../src/errors.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import type { InteractionDeps } from '../context.js';
import type { Translator } from '../i18n.js';
import type { InteractionDetails } from '../load.js';
import type { Step } from './steps.js';

export type FactorStep = Extract<Step, { step: 'factor' }>;

/** Codes sent by e-mail or SMS belong to this sign-in and this factor. */
export const codeBinding = (details: InteractionDetails, factor: FactorRecord) => `${details.uid}:${factor.id}`;

type Check = { ok: true; amr: readonly string[]; notice?: string } | { ok: false; reason: string };

export async function checkMethod(deps: InteractionDeps, tr: Translator, details: InteractionDetails, step: FactorStep, typed: string): Promise<Check> {
  const { method, account } = step;
  if (method.kind === 'recovery') {
    const hash = deps.hashRecoveryCode(account.id, typed);
    if (!hash) return { ok: false, reason: 'malformed_recovery' };
    const remaining = await deps.recoveryCodes.consume(account.id, hash);
    if (remaining === undefined) return { ok: false, reason: 'wrong_code' };
    return { ok: true, amr: amrForCodeFactor.recovery, notice: tr.t('mfa.recovery_used', { count: remaining }) };
  }
  if (method.kind === 'totp' && method.factor?.secretSealed) {
    const secret = deps.box.open(method.factor.secretSealed, totpSecretContext(method.factor.id));
    const result = await deps.totp.check(secret, typed, method.factor.lastStep ?? undefined);
    if (!result.ok) return { ok: false, reason: `${result.reason === 'malformed' ? 'malformed' : result.reason === 'replayed' ? 'replayed' : 'wrong'}_code` };
    // the step only moves forward; a concurrent use of the same code loses here
    if (!(await deps.factors.advanceStep(method.factor.id, result.step))) return { ok: false, reason: 'replayed_code' };
    return { ok: true, amr: amrForCodeFactor.totp };
  }
  if (method.kind === 'webauthn') {
    let verified;
    try {
      verified = await deps.webauthn.verifyAuthentication({ binding: details.uid, response: typed, factors: method.keys ?? [] });
    } catch (err) {
      if (isAppError(err) && err.code === 'webauthn_clone') {
        await deps.audit.record({ type: 'webauthn.counter_regression', accountId: account.id, details: { detail: err.message } });
        return { ok: false, reason: 'webauthn_failed' };
      }
      if (isAppError(err) && (err.code === 'webauthn_failed' || err.code === 'webauthn_expired')) return { ok: false, reason: err.code };
      throw err;
    }
    // the counter only moves forward (checked again in the UPDATE, against a concurrent use on
    // another replica); one that did not may be a cloned authenticator
    if (!(await deps.factors.advanceSignCount(verified.factor.id, verified.newSignCount, verified.backedUp))) {
      await deps.audit.record({ type: 'webauthn.counter_regression', accountId: account.id, details: { factorId: verified.factor.id, signCount: verified.newSignCount } });
      return { ok: false, reason: 'webauthn_failed' };
    }
    return { ok: true, amr: deps.webauthn.amrFor(verified.factor) };
  }
  if ((method.kind === 'email' || method.kind === 'sms') && method.factor) {
    const result = await deps.codes.check(codeBinding(details, method.factor), typed);
    if (!result.ok) return { ok: false, reason: `${result.reason === 'wrong_code' ? 'wrong' : result.reason}_code` };
    await deps.factors.touch(method.factor.id);
    return { ok: true, amr: amrForCodeFactor[method.kind] };
  }
  return { ok: false, reason: 'wrong_code' };
}
