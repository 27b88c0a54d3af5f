// A client in the admin API's terms (ClientInput, the client view) and our rules turning it into
// oidc-provider metadata (draftClient). Pure: no oidc-provider, no storage, so the CLI's
// apply/export can use it without loading the provider.
import { draftClient, type ClientField } from '../cli/client-metadata.js';
import type { ClientRecord } from '../storage/postgres/clients.js';
import type { ClientInput } from './client-schemas.js';

/** draftClient's messages name fields as the API does. */
const apiNames: Record<ClientField, string> = {
  name: 'client_name',
  redirectUris: 'redirect_uris',
  postLogoutRedirectUris: 'post_logout_redirect_uris',
  isPublic: 'token_endpoint_auth_method',
  thirdParty: 'first_party',
  grantTypes: 'grant_types',
  clientCredentials: 'grant_types',
  requireMfa: 'require_mfa',
  adminApi: 'admin_api',
};

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export function clientView(r: ClientRecord) {
  const m = r.metadata;
  return {
    client_id: r.clientId,
    client_name: typeof m['client_name'] === 'string' ? m['client_name'] : '',
    redirect_uris: strings(m['redirect_uris']),
    post_logout_redirect_uris: strings(m['post_logout_redirect_uris']),
    backchannel_logout_uri: typeof m['backchannel_logout_uri'] === 'string' ? m['backchannel_logout_uri'] : null,
    grant_types: strings(m['grant_types']),
    token_endpoint_auth_method: String(m['token_endpoint_auth_method'] ?? 'client_secret_basic'),
    first_party: r.firstParty,
    require_mfa: m['require_mfa'] === true,
    admin_api: String(m['scope'] ?? '')
      .split(' ')
      .includes('admin'),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** The stored form of a client as the API describes it (for PATCH: the current values). */
export function inputOf(r: ClientRecord): Omit<ClientInput, 'client_id'> {
  const { created_at: _c, updated_at: _u, client_id: _id, ...rest } = clientView(r);
  return { ...rest, grant_types: rest.grant_types as ClientInput['grant_types'], token_endpoint_auth_method: rest.token_endpoint_auth_method as ClientInput['token_endpoint_auth_method'] };
}

/** Metadata from a client in the API's terms, by our rules (draftClient); names fields as the API does. */
export function draftFromInput(input: Omit<ClientInput, 'client_id'>) {
  const isPublic = input.token_endpoint_auth_method === 'none';
  const draft = draftClient(
    {
      name: input.client_name,
      redirectUris: input.redirect_uris,
      postLogoutRedirectUris: input.post_logout_redirect_uris,
      isPublic,
      thirdParty: !input.first_party,
      grantTypes: input.grant_types ?? [],
      clientCredentials: false,
      requireMfa: input.require_mfa,
      adminApi: input.admin_api,
    },
    apiNames,
  );
  const metadata: Record<string, unknown> = { ...draft.metadata, token_endpoint_auth_method: input.token_endpoint_auth_method };
  // logout tokens always carry the session id, so an app can end just the session that ended
  if (input.backchannel_logout_uri) Object.assign(metadata, { backchannel_logout_uri: input.backchannel_logout_uri, backchannel_logout_session_required: true });
  return { metadata, firstParty: draft.firstParty, confidential: !isPublic };
}
