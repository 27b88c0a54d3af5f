// What each kind of second factor adds to `amr` (RFC 8176). Authenticator-app, e-mail and
// recovery codes are one-time passwords ("otp"); a text message is "sms"; WebAuthn says
// hardware or software key (see webauthn.ts). Two factors together add "mfa".
import type { FactorKind } from '../storage/postgres/factors.js';

export const amrForCodeFactor: Record<Exclude<FactorKind, 'webauthn'> | 'recovery', readonly string[]> = {
  totp: ['otp'],
  email: ['otp'],
  sms: ['sms'],
  recovery: ['otp'],
};

/** amr after a second factor on top of what the session already proved (normally ['pwd']). */
export function withSecondFactor(before: readonly string[], factorAmr: readonly string[]): string[] {
  return [...new Set([...before.filter((v) => v !== 'mfa'), ...factorAmr, 'mfa'])];
}
