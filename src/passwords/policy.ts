// What a new password must satisfy (NIST SP 800-63B): long enough, not absurdly long, not on a
// list of commonly used passwords. No composition rules.
import { dictionary } from '@zxcvbn-ts/language-common';

export const passwordLimits = { min: 8, max: 1024 } as const;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common;
}

export type PasswordProblem = 'too_short' | 'too_long' | 'common';

/** undefined when the password is acceptable */
export function checkNewPassword(password: string, context: { email?: string } = {}): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < passwordLimits.min) return 'too_short';
  if (length > passwordLimits.max) return 'too_long';
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'common';
  if (context.email && lower === context.email.toLowerCase()) return 'common';
  return undefined;
}
