// Test data created through the real repositories (no mocks of our own storage).
import { randomBytes } from 'node:crypto';
import type { Services } from '../../src/services.js';

export const testPassword = 'correct horse battery staple 42';

export async function createOrganisation(services: Services) {
  const slug = `org-${randomBytes(4).toString('hex')}`;
  return services.organisations.save({ slug, name: `Test ${slug}` });
}

export async function createUser(services: Services, opts: { password?: string; name?: string } = {}) {
  const org = await createOrganisation(services);
  const email = `user-${randomBytes(5).toString('hex')}@example.com`;
  const password = opts.password ?? testPassword;
  const account = await services.accounts.save({
    organisationId: org.id,
    email,
    name: opts.name ?? 'Test User',
    emailVerified: true,
    passwordHash: await services.hasher.hash(password),
  });
  if (!account) throw new Error('user not created');
  return { ...account, password };
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export async function createClient(
  services: Services,
  opts: { firstParty?: boolean; grantTypes?: string[]; redirectUri?: string; name?: string; metadata?: Record<string, unknown> } = {},
): Promise<TestClient> {
  const clientId = `client-${randomBytes(5).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const redirectUri = opts.redirectUri ?? 'http://127.0.0.1:1/callback';
  const postLogoutRedirectUri = 'http://127.0.0.1:1/signed-out';
  await services.clients.save({
    clientId,
    secret: clientSecret,
    firstParty: opts.firstParty ?? true,
    metadata: {
      client_name: opts.name ?? `App ${clientId}`,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutRedirectUri],
      grant_types: opts.grantTypes ?? ['authorization_code', 'refresh_token'],
      response_types: opts.grantTypes?.includes('authorization_code') === false ? [] : ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...opts.metadata,
    },
  });
  return { clientId, clientSecret, redirectUri, postLogoutRedirectUri };
}
