// The profile pages sign the user in like any app would: through an authorization request of
// this internal first-party client (public, PKCE). Registered at every start, so its redirect
// URI follows ISSUER.
import type { ClientsRepo } from '../storage/postgres/clients.js';

export const accountClientId = 'twofold-account';

export async function ensureAccountClient(clients: ClientsRepo, issuer: string): Promise<void> {
  const metadata = {
    client_name: 'Twofold account',
    redirect_uris: [`${issuer}/account/callback`],
    post_logout_redirect_uris: [`${issuer}/account/signed-out`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  const existing = await clients.find(accountClientId);
  if (existing && JSON.stringify(existing.metadata) === JSON.stringify(Object.fromEntries(Object.entries(metadata).sort()))) return;
  await clients.save({ clientId: accountClientId, firstParty: true, secret: null, metadata });
}
