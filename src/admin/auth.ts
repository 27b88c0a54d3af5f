// Who is calling the admin API. Callers present an access token that this provider issued:
// - to an admin client (client credentials) — every organisation;
// - to a user with the admin role (every organisation) or org_admin role (their own only).
// Either way the token must carry the `admin` scope AND the client it was issued to must list
// `admin` in its registered `scope`: oidc-provider lets a client without a registered scope ask
// for any scope, so the scope in a token alone proves nothing.
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountsRepo } from '../storage/postgres/accounts.js';
import type { Role, RolesRepo } from '../storage/postgres/roles.js';
import { ApiError } from './errors.js';

export type AdminPrincipal =
  | { kind: 'client'; clientId: string; role: 'admin' }
  | { kind: 'user'; accountId: string; clientId: string; role: Role; organisationId: string }
  /** an administrator signed in to the console at /admin (second factor proven) */
  | { kind: 'console'; accountId: string; role: Role; organisationId: string };

export interface AdminAuthDeps {
  provider(): Provider;
  accounts: AccountsRepo;
  roles: RolesRepo;
}

const bearer = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

function unauthorized(description: string, error = 'invalid_token'): ApiError {
  return new ApiError(401, error, description, { 'www-authenticate': `Bearer realm="admin", error="${error}", error_description="${description}"` });
}

export async function authenticateAdmin(ctx: Context, deps: AdminAuthDeps): Promise<AdminPrincipal> {
  const header = ctx.get('authorization');
  if (!header) throw new ApiError(401, 'unauthorized', 'an access token with the admin scope is required (Authorization: Bearer …)', { 'www-authenticate': 'Bearer realm="admin"' });
  const match = bearer.exec(header);
  if (!match || match[1]!.length > 4096) throw unauthorized('the Authorization header is not a Bearer token', 'invalid_request');
  const value = match[1]!;
  const provider = deps.provider();
  const token = (await provider.ClientCredentials.find(value)) ?? (await provider.AccessToken.find(value));
  if (!token || token.isExpired) throw unauthorized('the access token is unknown, expired or revoked');

  const scopes = new Set(String(token.scope ?? '').split(' '));
  const client = token.clientId ? await provider.Client.find(token.clientId) : undefined;
  const registered = new Set(String(client?.scope ?? '').split(' '));
  if (!client || !scopes.has('admin') || !registered.has('admin')) {
    throw new ApiError(403, 'insufficient_scope', 'the token was not issued with the admin scope to a client registered for it', {
      'www-authenticate': 'Bearer realm="admin", error="insufficient_scope", scope="admin"',
    });
  }

  const accountId = 'accountId' in token ? (token.accountId as string | undefined) : undefined;
  if (!accountId) return { kind: 'client', clientId: client.clientId, role: 'admin' };

  const account = await deps.accounts.findById(accountId);
  if (!account || account.disabledAt) throw unauthorized('the account of this token no longer exists or is disabled');
  const held = await deps.roles.of(account.id);
  const role: Role | undefined = held.includes('admin') ? 'admin' : held.includes('org_admin') ? 'org_admin' : undefined;
  if (!role) throw new ApiError(403, 'forbidden', 'this account has no administrative role');
  return { kind: 'user', accountId: account.id, clientId: client.clientId, role, organisationId: account.organisationId };
}

/** The organisations this principal may see: every one (undefined) or its own. */
export function organisationScope(p: AdminPrincipal): string | undefined {
  return p.kind === 'client' || p.role === 'admin' ? undefined : p.organisationId;
}

export function requireRole(p: AdminPrincipal, role: 'admin'): void {
  if (p.role !== role) throw new ApiError(403, 'forbidden', 'this needs the admin role (an org_admin manages the users and policy of their own organisation only)');
}

/** How the audit log names who did it. */
export function actor(p: AdminPrincipal): Record<string, string> {
  if (p.kind === 'console') return { by: 'console', admin: p.accountId, role: p.role };
  return p.kind === 'client' ? { by: 'api', client: p.clientId } : { by: 'api', admin: p.accountId, role: p.role, client: p.clientId };
}
