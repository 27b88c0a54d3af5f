// Turns `twofold clients create` options into oidc-provider client metadata, with our own rules
// on top of oidc-provider's (redirect URIs: see src/oidc/redirect-uris.ts).
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
}

export interface ClientDraft {
  /** oidc-provider metadata (snake_case) without client_id, client_secret and first_party */
  metadata: Record<string, unknown>;
  firstParty: boolean;
  /** true when the client authenticates with a secret */
  confidential: boolean;
}

const invalid = (message: string) => new AppError('invalid_input', 400, message);

function uriProblems(uris: string[], option: string): string[] {
  return uris.flatMap((uri) => {
    const problem = redirectUriProblem(uri);
    return problem ? [`${option} ${JSON.stringify(uri)} ${problem}`] : [];
  });
}

export function draftClient(req: ClientRequest): ClientDraft {
  const name = req.name.trim();
  if (!name || name.length > 200) throw invalid('--name must be 1 to 200 characters');

  const unknown = req.grantTypes.filter((g) => !(grantTypes as readonly string[]).includes(g));
  if (unknown.length) throw invalid(`unknown --grant-type ${unknown.join(', ')} (one of: ${grantTypes.join(', ')})`);
  if (req.clientCredentials && req.grantTypes.length) {
    throw invalid('--client-credentials is short for --grant-type client_credentials; give one or the other');
  }
  const grants = req.clientCredentials ? ['client_credentials'] : req.grantTypes.length ? [...new Set(req.grantTypes)] : defaultGrantTypes;
  const signsUsersIn = grants.includes('authorization_code');

  if (grants.includes('refresh_token') && !signsUsersIn) throw invalid('--grant-type refresh_token needs --grant-type authorization_code too');
  if (grants.includes('client_credentials') && req.isPublic) {
    throw invalid('a --public client has no secret, so it cannot use client_credentials (which authenticates the client alone)');
  }
  if (signsUsersIn && req.redirectUris.length === 0) {
    throw invalid('--redirect-uri is required: a client that signs users in needs at least one (give it once per URI)');
  }
  if (!signsUsersIn && (req.redirectUris.length || req.postLogoutRedirectUris.length)) {
    throw invalid('redirect URIs are only for clients that sign users in (grant type authorization_code)');
  }
  if (!signsUsersIn && req.thirdParty) throw invalid('--third-party is about the consent page, which only clients that sign users in show');
  if (!signsUsersIn && req.requireMfa) throw invalid('--require-mfa is about signing users in; a client-credentials client has no users');
  const problems = [...uriProblems(req.redirectUris, '--redirect-uri'), ...uriProblems(req.postLogoutRedirectUris, '--post-logout-redirect-uri')];
  if (problems.length) throw invalid(problems.join('\n'));

  return {
    metadata: {
      client_name: name,
      grant_types: grants,
      response_types: signsUsersIn ? ['code'] : [],
      redirect_uris: [...new Set(req.redirectUris)],
      ...(req.postLogoutRedirectUris.length ? { post_logout_redirect_uris: [...new Set(req.postLogoutRedirectUris)] } : {}),
      token_endpoint_auth_method: req.isPublic ? 'none' : 'client_secret_basic',
      ...(req.requireMfa ? { require_mfa: true } : {}),
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
