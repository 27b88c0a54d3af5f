// Cookie names. With an https issuer the session cookie gets the __Host- prefix (Secure,
// Path=/, no Domain: it cannot be set or overwritten by a sibling host). oidc-provider scopes the
// interaction cookies to their own paths, which __Host- forbids, so those get __Secure-.
export function cookieNames(secure: boolean) {
  return secure
    ? { session: '__Host-twofold.session', interaction: '__Secure-twofold.interaction', resume: '__Secure-twofold.resume' }
    : { session: 'twofold.session', interaction: 'twofold.interaction', resume: 'twofold.resume' };
}
