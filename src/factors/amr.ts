// What a second factor adds to `amr` (RFC 8176) is the factor's own (Factor.amr, registry.ts);
// two factors together add "mfa".

/** amr after a second factor on top of what the session already proved (normally ['pwd']). */
export function withSecondFactor(before: readonly string[], factorAmr: readonly string[]): string[] {
  return [...new Set([...before.filter((v) => v !== 'mfa'), ...factorAmr, 'mfa'])];
}
