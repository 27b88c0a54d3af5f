// `twofold clients ...` against the test run's database, checked through the repositories,
// and against a running server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config/index.js';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/log.js';
import { validateClientMetadata } from '../../src/cli/client-validation.js';
import { startTestApp, testSecrets, type TestApp } from '../support/app.js';
import { openTestDb, type TestDb } from './db.js';
import { runCli, runCliJson } from './run-cli.js';

let t: TestDb;
let app: TestApp;
beforeAll(async () => {
  t = openTestDb();
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

interface CreatedClient {
  client_id: string;
  client_secret?: string;
  first_party: boolean;
  confidential: boolean;
  grant_types: string[];
  redirect_uris: string[];
}

const suffix = () => Math.random().toString(36).slice(2, 8);

describe('clients create', () => {
  it('makes a confidential first-party client, prints the secret once and stores it only sealed', async () => {
    const id = `cli-web-${suffix()}`;
    const r = await runCli([
      'clients',
      'create',
      '--name',
      'Billing portal',
      '--id',
      id,
      '--redirect-uri',
      'https://billing.example.com/callback',
      '--redirect-uri',
      'http://127.0.0.1:8080/cb',
      '--post-logout-redirect-uri',
      'https://billing.example.com/',
    ]);
    expect(r.stderr.replace(/oidc-provider WARNING.*\n/, '')).toBe('');
    expect(r.code).toBe(0);
    const secret = /client_secret:\s+(\S+)/.exec(r.stdout)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.stdout).toContain('shown only now');

    const record = await t.clients.find(id);
    expect(record).toMatchObject({ firstParty: true, hasSecret: true });
    expect(record!.metadata).toMatchObject({
      client_name: 'Billing portal',
      redirect_uris: ['https://billing.example.com/callback', 'http://127.0.0.1:8080/cb'],
      post_logout_redirect_uris: ['https://billing.example.com/'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    // sealed at rest, and what oidc-provider reads back is the printed secret
    const { rows } = await t.db.query<{ secret_sealed: string }>('SELECT secret_sealed FROM clients WHERE client_id = $1', [id]);
    expect(rows[0]!.secret_sealed).toMatch(/^v1\./);
    expect(rows[0]!.secret_sealed).not.toContain(secret);
    expect((await t.clients.findMetadata(id))!.client_secret).toBe(secret);

    const audit = await t.audit.findRecent({ type: 'client.created', limit: 20 });
    expect(audit.some((e) => e.clientId === id)).toBe(true);

    // never shown again; and the id is taken now
    const [shown, again] = await Promise.all([runCli(['clients', 'show', id]), runCli(['clients', 'create', '--name', 'Other', '--id', id, '--redirect-uri', 'https://other.example.com/cb'])]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(id);
    expect(shown.stdout).not.toContain(secret);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a client with id ${id} already exists`);
  });

  it('refuses http on a non-loopback host and fragments, with readable messages, and stores nothing', async () => {
    const id = `cli-bad-${suffix()}`;
    const r = await runCli([
      'clients',
      'create',
      '--name',
      'Bad',
      '--id',
      id,
      '--redirect-uri',
      'http://app.example.com/cb',
      '--redirect-uri',
      'https://app.example.com/cb#section',
      '--post-logout-redirect-uri',
      'ftp://x.example.com/',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"http://app.example.com/cb" uses http on app.example.com: http is allowed only on loopback (127.0.0.1, [::1], localhost)');
    expect(r.stderr).toContain('"https://app.example.com/cb#section" must not contain a fragment');
    expect(r.stderr).toContain('--post-logout-redirect-uri "ftp://x.example.com/" must use https');
    // checked before anything is opened: no database round trip for a typo
    const missing = await runCli(['clients', 'create', '--name', 'No URI']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--redirect-uri is required');
    expect(await t.clients.find(id)).toBeUndefined();
  });

  it('makes a public client: no secret, token_endpoint_auth_method none, third-party on request', async () => {
    const created = await runCliJson<CreatedClient>(['clients', 'create', '--name', 'Single-page app', '--public', '--third-party', '--redirect-uri', 'http://localhost:5173/callback']);
    expect(created.client_id).toMatch(/^single-page-app-[0-9a-f]{8}$/);
    expect(created.client_secret).toBeUndefined();
    const record = await t.clients.find(created.client_id);
    expect(record).toMatchObject({ firstParty: false, hasSecret: false });
    expect(record!.metadata['token_endpoint_auth_method']).toBe('none');
  });

  it('makes a client that requires a second factor for every sign-in', async () => {
    const created = await runCliJson<CreatedClient>(['clients', 'create', '--name', 'Payroll', '--require-mfa', '--redirect-uri', 'https://payroll.example.com/cb']);
    const record = await t.clients.find(created.client_id);
    expect(record!.metadata['require_mfa']).toBe(true);
    const shown = await runCli(['clients', 'show', created.client_id]);
    expect(shown.stdout).toContain('required for every sign-in');
    const bad = await runCli(['clients', 'create', '--name', 'Nope', '--client-credentials', '--require-mfa']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--require-mfa is about signing users in');
  });

  it('makes a client-credentials client without redirect URIs, and refuses a public one', async () => {
    const created = await runCliJson<CreatedClient>(['clients', 'create', '--name', 'Nightly export', '--client-credentials']);
    expect(created.client_secret).toBeTruthy();
    const record = await t.clients.find(created.client_id);
    expect(record!.metadata).toMatchObject({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
    const bad = await runCli(['clients', 'create', '--name', 'Nope', '--client-credentials', '--public']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('cannot use client_credentials');
  });
});

describe('clients list, show, delete', () => {
  it('lists, shows and deletes, with an audit event', async () => {
    const created = await runCliJson<CreatedClient>(['clients', 'create', '--name', 'Short-lived', '--redirect-uri', 'https://short.example.com/cb']);
    const id = created.client_id;

    const [listed, table] = await Promise.all([runCliJson<Array<{ client_id: string; client_secret?: string; redirect_uris: string[] }>>(['clients', 'list']), runCli(['clients', 'list'])]);
    const entry = listed.find((c) => c.client_id === id);
    expect(entry).toBeDefined();
    expect(entry!.client_secret).toBeUndefined();
    expect(table.stdout).toMatch(/^CLIENT ID\s+NAME\s+PARTY\s+TYPE/);
    expect(table.stdout).toContain(id);
    expect(entry!.redirect_uris).toEqual(['https://short.example.com/cb']);

    const deleted = await runCli(['clients', 'delete', id]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain(`Deleted client ${id}`);
    expect(await t.clients.find(id)).toBeUndefined();
    const audit = await t.audit.findRecent({ type: 'client.deleted', limit: 20 });
    expect(audit.some((e) => e.clientId === id)).toBe(true);

    const again = await runCli(['clients', 'delete', id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no client with id ${id}`);
  });
});

// Created by one process, usable at once by another: the server reads clients from
// PostgreSQL on every request.
describe('a client created by the CLI', () => {
  it('gets a client-credentials access token from the running server at once', async () => {
    const created = await runCliJson<{ client_id: string; client_secret: string }>(['clients', 'create', '--name', 'Reporting job', '--client-credentials']);
    const basic = Buffer.from(`${encodeURIComponent(created.client_id)}:${encodeURIComponent(created.client_secret)}`).toString('base64');
    const res = await fetch(`${app.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: app.config.ttl.accessToken });
    expect(body['access_token']).toEqual(expect.any(String));

    // and a wrong secret is refused, so the success above was the secret's doing
    const wrong = await fetch(`${app.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${created.client_id}:nope`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(wrong.status).toBe(401);
  });
});

// The last check of `clients create`: oidc-provider's own validation, on a provider built with
// the server's configuration. The CLI's own rules catch the common mistakes first (above); this
// covers what only oidc-provider knows.
describe('validateClientMetadata', () => {
  const deps = {
    config: parseConfig({ DATABASE_URL: 'postgres://127.0.0.1/unused', ...testSecrets }) as Config,
    clock: systemClock,
    log: createLogger('silent'),
  };

  const base = {
    client_id: 'validation-test',
    client_secret: 'x'.repeat(43),
    client_name: 'Validation test',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['https://app.example.com/cb'],
    token_endpoint_auth_method: 'client_secret_basic',
    first_party: true,
  };

  it('accepts what clients create produces', async () => {
    await expect(validateClientMetadata(deps, base)).resolves.toBeUndefined();
    await expect(validateClientMetadata(deps, { ...base, client_secret: undefined, token_endpoint_auth_method: 'none' })).resolves.toBeUndefined();
    await expect(validateClientMetadata(deps, { ...base, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] })).resolves.toBeUndefined();
  });

  it("reports oidc-provider's reason, and ours for redirect URIs", async () => {
    await expect(validateClientMetadata(deps, { ...base, redirect_uris: [] })).rejects.toThrow('invalid client metadata: redirect_uris must contain members');
    await expect(validateClientMetadata(deps, { ...base, redirect_uris: ['https://app.example.com/cb#x'] })).rejects.toThrow('must not contain a fragment');
    await expect(validateClientMetadata(deps, { ...base, response_types: ['id_token'] })).rejects.toThrow(/response_types/);
    await expect(validateClientMetadata(deps, { ...base, first_party: 'yes' })).rejects.toThrow(/first_party must be a boolean/);
    await expect(validateClientMetadata(deps, { ...base, id_token_signed_response_alg: 'HS256' })).rejects.toThrow(/id_token_signed_response_alg/);
  });
});
