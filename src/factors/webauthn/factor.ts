// Security keys and passkeys (WebAuthn) as a Factor: proven by a browser ceremony, not a typed
// code. All of an account's keys are one method at sign-in (the browser offers whichever is at
// hand); the signature counter only moves forward, and one that did not may be a cloned
// authenticator (the caller audits webauthn.counter_regression).
import { isAppError } from '../../errors.js';
import type { Factor, StoredFactor } from '../factor.js';

/**
 * RFC 8176 `amr` values for a WebAuthn factor. A device-bound credential (deviceType
 * singleDevice: a security key, a platform authenticator that does not sync) is "hwk", proof of
 * possession of a hardware-secured key. A synced passkey (multiDevice) is "swk": its private key
 * is copied between devices by a cloud service, so we cannot claim it never left hardware. When
 * the type is unknown we claim the weaker "swk". "user" is always added: every ceremony requires
 * the user-presence flag (the library refuses a response without it). User verification (PIN,
 * biometric) is not mapped to "pin"/"fpt": the flag does not say which one was used.
 */
export function amrFor(factor: Pick<StoredFactor, 'deviceType'>): string[] {
  return [factor.deviceType === 'singleDevice' ? 'hwk' : 'swk', 'user'];
}

export const webauthnFactor: Factor<'webauthn'> = {
  kind: 'webauthn',
  stored: true,
  proof: 'ceremony',
  amr: (f) => amrFor(f ?? { deviceType: null }),
  catalogue: { kind: 'activity.kind_webauthn', enrol: 'policy.enrol_kind_webauthn' },
  describe: (say, f) => ({
    name: f?.label || (f?.deviceType === 'multiDevice' ? say.t('profile.kind_passkey') : say.t('profile.kind_security_key')),
    method: say.t('mfa.method_webauthn'),
  }),
  async verify(deps, { binding, typed, keys }) {
    let verified: Awaited<ReturnType<typeof deps.webauthn.verifyAuthentication>>;
    try {
      verified = await deps.webauthn.verifyAuthentication({ binding, response: typed, factors: keys ?? [] });
    } catch (err) {
      if (isAppError(err) && err.code === 'webauthn_clone') return { ok: false, reason: 'webauthn_failed', counterRegression: { detail: err.message } };
      if (isAppError(err) && (err.code === 'webauthn_failed' || err.code === 'webauthn_expired')) return { ok: false, reason: err.code };
      throw err;
    }
    // the counter only moves forward (checked again in the UPDATE, against a concurrent use on
    // another replica); one that did not may be a cloned authenticator
    if (!(await deps.factors.advanceSignCount(verified.factor.id, verified.newSignCount, verified.backedUp))) {
      return { ok: false, reason: 'webauthn_failed', counterRegression: { factorId: verified.factor.id, signCount: verified.newSignCount } };
    }
    return { ok: true, amr: amrFor(verified.factor), factorId: verified.factor.id };
  },
};
