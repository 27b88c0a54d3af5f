// The one interface every kind of second factor implements (Kratos `selfservice/strategy/<method>`,
// Logto's verification records): what it is called, what it adds to `amr`, how it is proven,
// how pages and audit sentences name it, and what of it may be shown. One folder per kind
// (src/factors/<kind>/), one line per kind in registry.ts; the route files in interactions/ own
// parsing, rendering and regulation — nothing here speaks HTTP.
//
// Secrets cannot leave a factor by accident: the stored record holds sealed secrets and public
// keys, and `sanitized()` (what lists, pages, the admin API and audit details get) is part of the
// interface, so no consumer builds its own view of a record.
import type { OneTimeCodes } from './one-time-code.js';
import type { Totp } from './totp/totp.js';

/**
 * A confirmed factor as stored (src/storage/postgres/factors.ts `FactorRecord` narrows `kind` to
 * the registry's kinds). Kept here, structurally, so the factors do not import the repository.
 */
export interface StoredFactor {
  id: string;
  accountId: string;
  kind: string;
  label: string;
  secretSealed: string | null;
  lastStep: number | null;
  destination: string | null;
  credentialId: string | null;
  publicKey: string | null;
  signCount: number | null;
  transports: string[] | null;
  deviceType: 'singleDevice' | 'multiDevice' | null;
  backedUp: boolean | null;
  aaguid: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** What may be shown about a factor (lists, profile, admin): never a secret or key. */
export type SanitizedFactor = Pick<StoredFactor, 'id' | 'kind' | 'label' | 'destination' | 'deviceType' | 'createdAt' | 'lastUsedAt'>;

export const sanitize = (f: StoredFactor): SanitizedFactor => ({
  id: f.id,
  kind: f.kind,
  label: f.label,
  destination: f.destination,
  deviceType: f.deviceType,
  createdAt: f.createdAt,
  lastUsedAt: f.lastUsedAt,
});

/** A translator as the factors need it (src/i18n/i18n.ts `Translator` satisfies it). */
export interface Say {
  t(key: string, vars?: Record<string, unknown>): string;
}

/** The services a factor's checks use (src/services.ts `Services` satisfies it). */
export interface FactorServices {
  box: { open(sealed: string, context: string): string; seal(plain: string, context: string): string };
  totp: Totp;
  codes: OneTimeCodes;
  /** webauthn/webauthn.ts's service, structurally (it imports StoredFactor from here) */
  webauthn: {
    verifyAuthentication<F extends StoredFactor>(input: { binding: string; response: unknown; factors: F[] }): Promise<{ factor: F; newSignCount: number; backedUp: boolean }>;
  };
  factors: {
    advanceStep(id: string, step: number): Promise<boolean>;
    advanceSignCount(id: string, signCount: number, backedUp?: boolean): Promise<boolean>;
    touch(id: string): Promise<void>;
  };
  recoveryCodes: { consume(accountId: string, hash: string): Promise<number | undefined> };
  hashRecoveryCode(accountId: string, code: string): string | undefined;
}

/** What the user gave, and what it is checked against. */
export interface VerifyInput<F extends StoredFactor = StoredFactor> {
  accountId: string;
  /** what the challenge was issued for (the sign-in's interaction, a profile change…) */
  binding: string;
  /** a typed code, or a WebAuthn assertion's JSON */
  typed: string;
  /** the factor behind a code method */
  factor?: F | undefined;
  /** every WebAuthn factor of the account (the browser picks one) */
  keys?: F[] | undefined;
}

/**
 * A coded result: `reason` is a catalogue key under `mfa.` (wrong_code, replayed_code,
 * expired_code, malformed_code, malformed_recovery, webauthn_failed, webauthn_expired).
 * `counterRegression` asks the caller to audit a possible cloned authenticator.
 */
export type Verified =
  | { ok: true; amr: readonly string[]; factorId?: string; remainingRecoveryCodes?: number }
  | { ok: false; reason: string; counterRegression?: { factorId?: string; signCount?: number; detail?: string } };

/** How a page names the factor. */
export interface FactorDescription {
  /** "Authenticator app", "E-mail code to a@b.c", the user's own label when there is one */
  name: string;
  /** the sign-in chooser's line: "Code by e-mail to a•••@b.c" */
  method: string;
}

export interface Factor<K extends string = string> {
  kind: K;
  /** a row of `factors` (enrolled, allowed by an organisation's policy); recovery codes are not */
  stored: boolean;
  /** how it is proven: a typed code, or a browser ceremony (WebAuthn) */
  proof: 'code' | 'ceremony';
  /** a code sent to the factor's destination (e-mail, text message) */
  delivery?: 'email' | 'sms';
  /** the destination as a code page shows it ("a•••@example.com"), for a factor with a delivery */
  maskDestination?(destination: string): string;
  /** RFC 8176 values this factor adds (a WebAuthn credential's depend on its device type) */
  amr(factor?: Pick<StoredFactor, 'deviceType'>): readonly string[];
  /** message-catalogue keys: the audit/activity kind ("activity.kind_totp"), the enrolment chooser's line */
  catalogue: { kind: string; enrol?: string };
  /** names for pages and audit sentences; destinations masked where the page says so */
  describe(say: Say, factor?: Pick<StoredFactor, 'label' | 'destination' | 'deviceType'>): FactorDescription;
  /** check what the user gave; throws only for a broken service (a coded result otherwise) */
  verify(deps: FactorServices, input: VerifyInput): Promise<Verified>;
}
