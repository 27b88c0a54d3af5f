// argon2id password hashing (OWASP's recommended minimum: m=19 MiB, t=2, p=1).
// verify() takes the same time whether or not the account has a usable hash: for an unknown
// account, one without a password, or a stored value that is not a hash, it verifies against a
// dummy hash made with the same parameters, so response time does not reveal which e-mail
// addresses are registered.
// Passwords are NFKC-normalised before hashing (NIST SP 800-63B 5.1.1.2), so the same password
// typed on systems that compose accents differently ("é" vs "e" + U+0301) is the same password.
import { hash, verify } from '@node-rs/argon2';

export const argon2Params = { algorithm: 2 /* Algorithm.Argon2id (a const enum, not importable under verbatimModuleSyntax) */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** false for a wrong password, for a missing hash, and for a malformed stored hash */
  verify(storedHash: string | null | undefined, password: string): Promise<boolean>;
}

export const normalisePassword = (password: string): string => password.normalize('NFKC');

export async function createPasswordHasher(): Promise<PasswordHasher> {
  const dummy = await hash('twofold-timing-equaliser', argon2Params);
  return {
    hash: (password) => hash(normalisePassword(password), argon2Params),
    async verify(storedHash, password) {
      const input = normalisePassword(password);
      if (storedHash) {
        try {
          return await verify(storedHash, input);
        } catch {
          // not a hash we can read: fall through, so this answer takes as long as a real one
        }
      }
      await verify(dummy, input).catch(() => false);
      return false;
    },
  };
}
