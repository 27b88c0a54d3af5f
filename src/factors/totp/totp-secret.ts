// TOTP secrets are sealed with AES-256-GCM, bound to the factor they belong to: a sealed
// secret copied to another factor row does not open.
export const totpSecretContext = (factorId: string) => `factor_secret:${factorId}`;
