// Sliding idle expiry with an absolute cap. oidc-provider re-evaluates ttl.Session and re-saves
// the session on every authorization-endpoint request that uses it (and our own pages touch it,
// see src/oidc/session-activity.ts), so returning the idle limit here makes the session slide.
// Once signed in, the TTL never reaches past loginTs + maxSeconds.
export function sessionTtl(input: { loginTs?: number | undefined; now: number; idleSeconds: number; maxSeconds: number }): number {
  const { loginTs, now, idleSeconds, maxSeconds } = input;
  if (!loginTs) return idleSeconds;
  // oidc-provider requires a positive integer; a session at its cap lives one more second and
  // the login policy (policy.ts) refuses it in the meantime.
  return Math.max(1, Math.min(idleSeconds, loginTs + maxSeconds - now));
}

/** Whether a session that signed in at loginTs is past its absolute lifetime. */
export const pastAbsoluteLifetime = (loginTs: number | undefined, now: number, maxSeconds: number): boolean => loginTs !== undefined && now - loginTs >= maxSeconds;
