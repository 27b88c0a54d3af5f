// Grant and refresh-token lifetimes. A sign-in without offline_access produces tokens that die
// with the session (oidc-provider's expiresWithSession), so keeping their records for the full
// refresh-token lifetime (14 days) would only fill Redis with the dead: they live at most as
// long as a session can (SESSION_MAX_SECONDS). Grants with offline_access, and their refresh
// tokens, live REFRESH_TOKEN_TTL_SECONDS.
import type { Grant } from 'oidc-provider';

export interface LifetimeLimits {
  refreshTokenSeconds: number;
  sessionMaxSeconds: number;
}

const hasOfflineAccess = (scope: string | undefined) => (scope ?? '').split(' ').includes('offline_access');

export function grantTtl(grant: Pick<Grant, 'getOIDCScope'>, limits: LifetimeLimits): number {
  return hasOfflineAccess(grant.getOIDCScope()) ? limits.refreshTokenSeconds : Math.min(limits.refreshTokenSeconds, limits.sessionMaxSeconds);
}

export function refreshTokenTtl(token: { expiresWithSession?: boolean | undefined }, limits: LifetimeLimits): number {
  return token.expiresWithSession ? Math.min(limits.refreshTokenSeconds, limits.sessionMaxSeconds) : limits.refreshTokenSeconds;
}

/**
 * Save a grant whose scopes may have changed. oidc-provider keeps a saved grant's expiry; here
 * the lifetime is computed again from the current scopes (a grant that gained offline_access
 * must outlive the session).
 */
export async function saveGrant(grant: Grant): Promise<string> {
  const g = grant as Grant & { exp?: number | undefined; expiresIn?: number | undefined };
  g.exp = undefined;
  g.expiresIn = undefined;
  return grant.save();
}
