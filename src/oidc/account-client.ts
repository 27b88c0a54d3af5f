// The profile pages sign the user in like any app would: through an authorization request of
// this internal first-party client (public, PKCE). It is a static client of oidc-provider,
// built from this process's ISSUER, not a database row: every replica derives the same one,
// and nothing can change it but the configuration.
import type { ClientMetadata } from 'oidc-provider';

export const accountClientId = 'twofold-account';
/** Its name in the client metadata; pages show the catalogue's `account_client_name` instead. */
export const accountClientName = 'Twofold account';

export function accountClient(issuer: string): ClientMetadata {
  return {
    client_id: accountClientId,
    client_name: accountClientName,
    redirect_uris: [`${issuer}/account/callback`],
    post_logout_redirect_uris: [`${issuer}/account/signed-out`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    first_party: true,
  };
}
