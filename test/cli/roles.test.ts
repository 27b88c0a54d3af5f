// `twofold users roles` (bootstrap the first admin) and `clients create --admin-api`, checked
// through the repositories.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from './db.js';
import { runCli, runCliJson } from './run-cli.js';

let t: TestDb;
beforeAll(() => {
  t = openTestDb();
});
afterAll(() => t?.close());

describe('users roles', () => {
  it('sets, shows and clears roles, audits the change, and refuses unknown roles and accounts', async () => {
    const email = `admin-${randomBytes(4).toString('hex')}@example.com`;
    const slug = `roles-${randomBytes(3).toString('hex')}`;
    const made = await runCli(['users', 'create', '--email', email, '--name', 'First Admin', '--org', slug, '--create-org', '--password-stdin'], { input: 'violet tractor umbrella 1987\n' });
    expect(made.code).toBe(0);

    const set = await runCliJson<{ id: string; roles: string[] }>(['users', 'roles', '--email', email, '--set', 'admin']);
    expect(set.roles).toEqual(['admin']);
    expect(await t.roles.of(set.id)).toEqual(['admin']);
    expect((await runCli(['users', 'roles', '--email', email])).stdout).toContain(`${email}: admin`);
    const [audited] = await t.audit.findRecent({ accountId: set.id, type: 'account.roles_changed' });
    expect(audited?.details).toMatchObject({ by: 'cli', before: [], after: ['admin'] });

    expect((await runCliJson<{ roles: string[] }>(['users', 'roles', '--email', email, '--set', 'none'])).roles).toEqual([]);
    const bad = await runCli(['users', 'roles', '--email', email, '--set', 'root']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--set takes admin, org_admin');
    const unknown = await runCli(['users', 'roles', '--email', `nobody-${randomBytes(3).toString('hex')}@example.com`, '--set', 'admin']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no account with e-mail');
  });
});

describe('clients create --admin-api', () => {
  it('registers the admin scope for a confidential first-party client and refuses it otherwise', async () => {
    const made = await runCliJson<{ client_id: string; admin_api: boolean }>(['clients', 'create', '--name', 'Ops scripts', '--client-credentials', '--admin-api']);
    expect(made.admin_api).toBe(true);
    expect((await t.clients.find(made.client_id))?.metadata['scope']).toBe('admin');
    const pub = await runCli(['clients', 'create', '--name', 'SPA', '--redirect-uri', 'http://127.0.0.1:9/cb', '--public', '--admin-api']);
    expect(pub.code).toBe(1);
    expect(pub.stderr).toContain('--admin-api needs a confidential client');
    const third = await runCli(['clients', 'create', '--name', 'Partner', '--redirect-uri', 'https://p.example.com/cb', '--third-party', '--admin-api']);
    expect(third.stderr).toContain('--admin-api is for first-party clients only');
  });
});
