// Friendly names for new WebAuthn factors, so the profile lists "YubiKey 5 Series" rather than
// a generic "Security key". The AAGUID an authenticator reports names its make and model; with
// attestation "none" nothing proves it, so a name is only a label the user can change, never a
// reason to trust or refuse a key.
//
// Source: the community list at github.com/passkeydeveloper/passkey-authenticator-aaguids
// (aaguid.json for passkey providers, dist/<aaguid>/meta.json for the FIDO MDS entries), read
// in 2026-08. Names are as listed there; Apple's own provider is now listed as "Apple Passwords"
// (it was "iCloud Keychain"). A handful of common ones only; anything else gets the default.
export const authenticatorNames: Readonly<Record<string, string>> = {
  // passkey providers (synced)
  'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4': 'Google Password Manager',
  'fbfc3007-154e-4ecc-8c0b-6e020557d7bd': 'Apple Passwords',
  'dd4ec289-e01d-41c9-bb89-70fa845d4bf2': 'iCloud Keychain (Managed)',
  'bada5566-a7aa-401f-bd96-45619a55120d': '1Password',
  'd548826e-79b4-db40-a3d8-11116f7e8349': 'Bitwarden',
  '531126d6-e717-415c-9320-3d9aa6981239': 'Dashlane',
  '50726f74-6f6e-5061-7373-50726f746f6e': 'Proton Pass',
  '53414d53-554e-4700-0000-000000000000': 'Samsung Pass',
  // platform authenticators
  '08987058-cadc-4b81-b6e1-30de50dcbe96': 'Windows Hello',
  '9ddd1817-af5a-4672-a2b9-3e3dd95000a9': 'Windows Hello',
  '6028b017-b1d4-4c02-b4b3-afcdafc96bb2': 'Windows Hello',
  'adce0002-35bc-c60a-648b-0b25f1f05503': 'Chrome on Mac',
  // security keys
  'cb69481e-8ff7-4039-93ec-0a2729a154a8': 'YubiKey 5 Series',
  'ee882879-721c-4913-9775-3dfcce97072a': 'YubiKey 5 Series',
  '19083c3d-8383-4b18-bc03-8f1c9ab2fd1b': 'YubiKey 5 Series',
  'ff4dac45-ede8-4ec2-aced-cf66103f4335': 'YubiKey 5 Series',
  'fa2b99dc-9e39-4257-8f92-4a30d23c4118': 'YubiKey 5 Series with NFC',
  '2fc0579f-8113-47ea-b116-bb5a8db9202a': 'YubiKey 5 Series with NFC',
  'a25342c0-3cdc-4414-8e46-f4807fca511c': 'YubiKey 5 Series with NFC',
  'd7781e5d-e353-46aa-afe2-3ca49f13332a': 'YubiKey 5 Series with NFC',
  'c5ef55ff-ad9a-4b9f-b580-adebafe026d0': 'YubiKey 5 Series with Lightning',
  'b92c3f9a-c014-4056-887f-140a2501163b': 'Security Key by Yubico',
  'f8a011f3-8c0a-4d15-8006-17111f9edc7d': 'Security Key by Yubico',
  '149a2021-8ef6-4133-96b8-81f8d5b7f1f5': 'Security Key by Yubico with NFC',
  '6d44ba9b-f6ec-2e49-b930-0c8fe920cb73': 'Security Key by Yubico with NFC',
  '42b4fb4a-2866-43b2-9bf7-6c6669c2e5d3': 'Google Titan Security Key v2',
};

/** The make and model an AAGUID names, if it is one we know (the all-zero AAGUID names nothing). */
export function authenticatorName(aaguid: string | null | undefined): string | undefined {
  if (!aaguid) return undefined;
  return authenticatorNames[aaguid.toLowerCase()];
}

/**
 * A label for a new WebAuthn factor: the authenticator's name when known, otherwise the page's
 * (translated) default for its kind — a device-bound credential is a security key, a synced one
 * a passkey.
 */
export function webAuthnLabel(factor: { aaguid?: string | null; deviceType?: 'singleDevice' | 'multiDevice' | null }, defaults: { securityKey: string; passkey: string }): string {
  return authenticatorName(factor.aaguid) ?? (factor.deviceType === 'multiDevice' ? defaults.passkey : defaults.securityKey);
}
