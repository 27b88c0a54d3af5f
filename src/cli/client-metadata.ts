// Turns a client request (`twofold clients create` options, or the admin API's JSON) into
// oidc-provider client metadata, with our own rules on top of oidc-provider's (redirect URIs:
// see src/oidc/redirect-uris.ts). Messages name the input the way its caller knows it.
import { AppError } from '../errors.js';
import { redirectUriProblem } from '../oidc/redirect-uris.js';

export const grantTypes = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const defaultGrantTypes = ['authorization_code', 'refresh_token'];

export interface ClientRequest {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  isPublic: boolean;
  thirdParty: boolean;
  /** --grant-type values; empty means the default */
  grantTypes: string[];
  clientCredentials: boolean;
  /** every sign-in to this app needs a second factor */
  requireMfa?: boolean;
  /** the client may get tokens with the admin scope (the admin API) */
  adminApi?: boolean;
}

export interface ClientDraft {
  /** oidc-provider metadata (snake_case) without client_id, client_secret and first_party */
  metadata: Record<string, unknown>;
  firstParty: boolean;
  /** true when the client authenticates with a secret */
  confidential: boolean;
}

export type ClientField = 'name' | 'redirectUris' | 'postLogoutRedirectUris' | 'isPublic' | 'thirdParty' | 'grantTypes' | 'clientCredentials' | 'requireMfa' | 'adminApi';

/** How the CLI names each field (the admin API passes its JSON names instead). */
export const cliNames: Record<ClientField, string> = {
  name: '--name',
  redirectUris: '--redirect-uri',
  postLogoutRedirectUris: '--post-logout-redirect-uri',
  isPublic: '--public',
  thirdParty: '--third-party',
  grantTypes: '--grant-type',
  clientCredentials: '--client-credentials',
  requireMfa: '--require-mfa',
  adminApi: '--admin-api',
};

export function draftClient(req: ClientRequest, names: Record<ClientField, string> = cliNames): ClientDraft {
  const invalid = (field: ClientField, message: string) => new AppError('invalid_input', 400, message, { fields: { [names[field]]: [message] } });
  const uriProblems = (uris: string[], field: ClientField): string[] =>
    uris.flatMap((uri) => {
      const problem = redirectUriProblem(uri);
      return problem ? [`${names[field]} ${JSON.stringify(uri)} ${problem}`] : [];
    });

  const name = req.name.trim();
  if (!name || name.length > 200) throw invalid('name', `${names.name} must be 1 to 200 characters`);

  const unknown = req.grantTypes.filter((g) => !(grantTypes as readonly string[]).includes(g));
  if (unknown.length) throw invalid('grantTypes', `unknown ${names.grantTypes} ${unknown.join(', ')} (one of: ${grantTypes.join(', ')})`);
  if (req.clientCredentials && req.grantTypes.length) {
    throw invalid('clientCredentials', `${names.clientCredentials} is short for ${names.grantTypes} client_credentials; give one or the other`);
  }
  const grants = req.clientCredentials ? ['client_credentials'] : req.grantTypes.length ? [...new Set(req.grantTypes)] : defaultGrantTypes;
  const signsUsersIn = grants.includes('authorization_code');

  if (grants.includes('refresh_token') && !signsUsersIn) throw invalid('grantTypes', `${names.grantTypes} refresh_token needs ${names.grantTypes} authorization_code too`);
  if (grants.includes('client_credentials') && req.isPublic) {
    throw invalid('isPublic', `a ${names.isPublic} client has no secret, so it cannot use client_credentials (which authenticates the client alone)`);
  }
  if (signsUsersIn && req.redirectUris.length === 0) {
    throw invalid('redirectUris', `${names.redirectUris} is required: a client that signs users in needs at least one`);
  }
  if (!signsUsersIn && (req.redirectUris.length || req.postLogoutRedirectUris.length)) {
    throw invalid('redirectUris', 'redirect URIs are only for clients that sign users in (grant type authorization_code)');
  }
  if (!signsUsersIn && req.thirdParty) throw invalid('thirdParty', `${names.thirdParty} is about the consent page, which only clients that sign users in show`);
  if (req.adminApi && req.isPublic) throw invalid('adminApi', `${names.adminApi} needs a confidential client: a ${names.isPublic} client has no secret`);
  // the consent page does not ask users to hand a third party administrative power
  if (req.adminApi && req.thirdParty) throw invalid('adminApi', `${names.adminApi} is for first-party clients only (not ${names.thirdParty})`);
  if (!signsUsersIn && req.requireMfa) throw invalid('requireMfa', `${names.requireMfa} is about signing users in; a client-credentials client has no users`);
  const uriFields = Object.fromEntries(
    (['redirectUris', 'postLogoutRedirectUris'] as const).map((f) => [names[f], uriProblems(f === 'redirectUris' ? req.redirectUris : req.postLogoutRedirectUris, f)]).filter(([, p]) => p!.length),
  ) as Record<string, string[]>;
  if (Object.keys(uriFields).length) throw new AppError('invalid_input', 400, Object.values(uriFields).flat().join('\n'), { fields: uriFields });

  return {
    metadata: {
      client_name: name,
      grant_types: grants,
      response_types: signsUsersIn ? ['code'] : [],
      redirect_uris: [...new Set(req.redirectUris)],
      ...(req.postLogoutRedirectUris.length ? { post_logout_redirect_uris: [...new Set(req.postLogoutRedirectUris)] } : {}),
      token_endpoint_auth_method: req.isPublic ? 'none' : 'client_secret_basic',
      ...(req.requireMfa ? { require_mfa: true } : {}),
      // a registered scope is an allow-list: a client that signs users in keeps the user scopes
      ...(req.adminApi ? { scope: signsUsersIn ? 'openid offline_access email profile admin' : 'admin' } : {}),
    },
    firstParty: !req.thirdParty,
    confidential: !req.isPublic,
  };
}

/** A readable, unique-enough client id from the name: "Billing Portal" -> billing-portal-3f9a0c1d. */
export function clientIdFor(name: string, suffix: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${slug || 'client'}-${suffix}`;
}

export const clientIdPattern = /^[A-Za-z0-9._~-]{3,128}$/;
