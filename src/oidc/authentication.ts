// What a sign-in proved, in the vocabulary relying parties read: `amr` values from RFC 8176
// and our two `acr` levels. The interaction routes decide what happened; this module names it.
export const acr = {
  /** a password alone */
  password: 'urn:twofold:acr:pwd',
  /** a password and a second factor */
  mfa: 'urn:twofold:acr:mfa',
} as const;

export const acrValues = [acr.password, acr.mfa] as const;

export type Acr = (typeof acrValues)[number];

/** The acr a list of RFC 8176 amr values earns. */
export function acrFor(amr: readonly string[]): Acr {
  return amr.includes('mfa') ? acr.mfa : acr.password;
}
