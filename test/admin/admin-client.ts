// Calling the admin API in tests as its real callers do: a machine client registered for the
// admin scope (client credentials), or a user with a role signed in through a first-party client
// registered for it.
import { randomBytes } from 'node:crypto';
import type { TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { discover, oidc, signIn } from '../support/relying-party.js';
import { createUserAgent } from '../support/user-agent.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON read by the tests
  json: Record<string, any> | undefined;
}

export interface ApiCall {
  token?: string | null;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export async function clientCredentialsToken(app: TestApp, client: TestClient, scope = 'admin'): Promise<string> {
  return (await oidc.clientCredentialsGrant(await discover(app.url, client), { scope })).access_token;
}

export function adminApi(app: TestApp, defaultToken: () => string) {
  async function call(method: string, path: string, opts: ApiCall = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? defaultToken() : opts.token;
    if (token) headers['authorization'] = `Bearer ${token}`;
    let body = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${app.url}/admin/v1${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as ApiResponse['json']) : undefined };
  }
  return call;
}

/** A machine client registered for the admin API, as `twofold clients create --client-credentials --admin-api` makes it. */
export function createAdminMachineClient(app: TestApp): Promise<TestClient> {
  return createClient(app.services, { grantTypes: ['client_credentials'], metadata: { redirect_uris: [], scope: 'admin' } });
}

/** Sign a user with these roles in through a console client registered for the admin scope; returns the access token and the user. */
export async function userAdminToken(app: TestApp, roles: Array<'admin' | 'org_admin'>, console?: TestClient) {
  const client = console ?? (await createClient(app.services, { metadata: { scope: 'openid email profile admin' } }));
  const user = await createUser(app.services, { name: `Admin ${randomBytes(2).toString('hex')}` });
  await app.services.roles.set(user.id, roles);
  const { tokens } = await signIn(createUserAgent(), await discover(app.url, client), client, user, { scope: 'openid admin' });
  return { token: tokens.access_token, user, client };
}
