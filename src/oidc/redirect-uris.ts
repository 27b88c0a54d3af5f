// Our rule for redirect and post-logout redirect URIs, on top of oidc-provider's: https, or
// http on a loopback address only (oidc-provider lets a web client register plain http
// anywhere), never a fragment, never credentials. Used when a client is registered (CLI, admin)
// and again by oidc-provider whenever it loads a client, so a stored client that breaks the
// rule cannot be used.
export const loopbackHosts = ['127.0.0.1', '[::1]', 'localhost'];

/** The problem with one redirect URI, or undefined when it is acceptable. */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URL';
  }
  if (uri.includes('#')) return 'must not contain a fragment (#...)';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return loopbackHosts.includes(url.hostname) ? undefined : `uses http on ${url.hostname}: http is allowed only on loopback (${loopbackHosts.join(', ')}); use https`;
  }
  return `must use https (or http on loopback), not ${url.protocol.slice(0, -1)}`;
}

/** Every problem of a client's redirect URIs, each naming the field and the URI. */
export function redirectUriProblems(metadata: { redirect_uris?: unknown; post_logout_redirect_uris?: unknown }): string[] {
  const check = (field: string, uris: unknown) =>
    (Array.isArray(uris) ? uris : []).flatMap((uri) => {
      const problem = typeof uri === 'string' ? redirectUriProblem(uri) : 'is not a string';
      return problem ? [`${field} ${JSON.stringify(uri)} ${problem}`] : [];
    });
  return [...check('redirect_uris', metadata.redirect_uris), ...check('post_logout_redirect_uris', metadata.post_logout_redirect_uris)];
}
