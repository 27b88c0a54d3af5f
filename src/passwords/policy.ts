// What a new password must satisfy (NIST SP 800-63B): long enough, not absurdly long, not on a
// list of commonly used passwords, not the user's own address. No composition rules.
// Length is counted in characters of the NFKC form the hasher stores, not in UTF-16 units.
import { dictionary } from '@zxcvbn-ts/language-common';
import { normalisePassword } from './hasher.js';

export const passwordLimits = { min: 8, max: 1024 } as const;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common;
}

export type PasswordProblem = 'too_short' | 'too_long' | 'common';

/** undefined when the password is acceptable */
export function checkNewPassword(password: string, context: { email?: string } = {}): PasswordProblem | undefined {
  const normalised = normalisePassword(password);
  const length = [...normalised].length;
  if (length < passwordLimits.min) return 'too_short';
  if (length > passwordLimits.max) return 'too_long';
  const lower = normalised.toLowerCase();
  if (commonPasswords().has(lower)) return 'common';
  if (context.email) {
    // the address, or its part before the @ (the user name): the first things an attacker tries
    const email = normalisePassword(context.email).trim().toLowerCase();
    const localPart = email.slice(0, Math.max(email.lastIndexOf('@'), 0));
    if (lower === email || (localPart && lower === localPart)) return 'common';
  }
  return undefined;
}
