// What a sign-in proved, in the vocabulary relying parties read: `amr` values from RFC 8176
// and our two `acr` levels. The interaction routes decide what happened; this module names it.
export const acr = {
  /** a password alone */
  password: 'urn:twofold:acr:pwd',
  /** a password and a second factor */
  mfa: 'urn:twofold:acr:mfa',
  /** a password on a browser remembered after a second factor: no second factor this time */
  rememberedDevice: 'urn:twofold:acr:remembered-device',
} as const;

export const acrValues = [acr.password, acr.mfa, acr.rememberedDevice] as const;

export type Acr = (typeof acrValues)[number];

/** The acr a list of RFC 8176 amr values earns (a remembered device only without a second factor). */
export function acrFor(amr: readonly string[], opts: { rememberedDevice?: boolean } = {}): Acr {
  return amr.includes('mfa') ? acr.mfa : opts.rememberedDevice ? acr.rememberedDevice : acr.password;
}
