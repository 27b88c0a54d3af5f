// argon2id password hashing (OWASP's recommended minimum: m=19 MiB, t=2, p=1).
// verify() takes the same time whether or not the account exists: for an unknown account it
// verifies against a dummy hash made with the same parameters, so response time does not
// reveal which e-mail addresses are registered.
import { hash, verify } from '@node-rs/argon2';

export const argon2Params = { algorithm: 2 /* Algorithm.Argon2id (a const enum, not importable under verbatimModuleSyntax) */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** false for a wrong password, for a missing hash, and for a malformed stored hash */
  verify(storedHash: string | null | undefined, password: string): Promise<boolean>;
}

export async function createPasswordHasher(): Promise<PasswordHasher> {
  const dummy = await hash('twofold-timing-equaliser', argon2Params);
  return {
    hash: (password) => hash(password, argon2Params),
    async verify(storedHash, password) {
      try {
        const ok = await verify(storedHash ?? dummy, password);
        return Boolean(storedHash) && ok;
      } catch {
        return false;
      }
    },
  };
}
