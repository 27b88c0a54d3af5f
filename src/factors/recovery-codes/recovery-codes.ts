// Recovery codes: ten single-use codes shown once, stored as HMAC-SHA-256 under a key derived
// from ENCRYPTION_KEY (a database leak alone does not allow guessing them offline). Ten
// characters from the Crockford base32 alphabet (50 bits), shown as xxxxx-xxxxx; typing is
// forgiving: case, spaces, dashes, and O/I/L read as 0/1/1.
import { createHmac, randomInt } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const recoveryCodeCount = 10;

export function generateRecoveryCodes(count = recoveryCodeCount): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => alphabet[randomInt(alphabet.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Canonical form of a typed code, or undefined when it cannot be one. */
export function normaliseRecoveryCode(typed: string): string | undefined {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{10}$/.test(s) ? s : undefined;
}

export function recoveryCodeHasher(key: Buffer) {
  const derived = createHmac('sha256', key).update('twofold recovery codes v1').digest();
  return (accountId: string, code: string): string | undefined => {
    const canonical = normaliseRecoveryCode(code);
    return canonical && createHmac('sha256', derived).update(`${accountId}:${canonical}`).digest('base64url');
  };
}
