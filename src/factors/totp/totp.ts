// Authenticator-app codes (RFC 6238 TOTP over RFC 4226 HOTP, via otplib): SHA-1, 6 digits,
// 30-second steps, one step of clock drift either way. A time step, once accepted, is never
// accepted again for the same credential (the caller stores the returned step and passes it
// back as lastUsedStep). Comparison is constant-time inside otplib.
import { generateSecret, generateURI, verify } from 'otplib';
import type { Clock } from '../../clock.js';

export const totpParams = { algorithm: 'sha1', digits: 6, period: 30, driftSteps: 1 } as const;

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'wrong_code' | 'replayed' | 'malformed' };

export function createTotp(deps: { clock: Clock; issuer: string }) {
  const epoch = () => Math.floor(deps.clock.now() / 1000);
  return {
    /** a new 160-bit secret, base32 (what authenticator apps expect) */
    newSecret(): string {
      return generateSecret({ length: 20 });
    },

    /** otpauth:// URI for the QR code; the label shows in the app next to the code */
    uri(secret: string, accountName: string): string {
      return generateURI({ issuer: deps.issuer, label: accountName, secret, algorithm: totpParams.algorithm, digits: totpParams.digits, period: totpParams.period });
    },

    async check(secret: string, code: string, lastUsedStep?: number): Promise<TotpCheck> {
      const token = code.replace(/\s+/g, '');
      if (!/^\d{6}$/.test(token)) return { ok: false, reason: 'malformed' };
      const result = await verify({
        secret,
        token,
        epoch: epoch(),
        epochTolerance: totpParams.driftSteps * totpParams.period,
        algorithm: totpParams.algorithm,
        digits: totpParams.digits,
        period: totpParams.period,
      });
      // the functional API types the HOTP and TOTP results together; only TOTP carries timeStep
      if (!result.valid || !('timeStep' in result) || typeof result.timeStep !== 'number') return { ok: false, reason: 'wrong_code' };
      if (lastUsedStep !== undefined && result.timeStep <= lastUsedStep) return { ok: false, reason: 'replayed' };
      return { ok: true, step: result.timeStep };
    },
  };
}

export type Totp = ReturnType<typeof createTotp>;
