// `twofold orgs ...` and `twofold users create`, checked through the repositories.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/passwords/hasher.js';
import { openTestDb, type TestDb } from './db.js';
import { runCli, runCliJson } from './run-cli.js';

let t: TestDb;
beforeAll(() => {
  t = openTestDb();
});
afterAll(() => t?.close());

const unique = () => randomBytes(4).toString('hex');
const goodPassword = 'violet tractor umbrella 1987';

describe('orgs', () => {
  it('creates, refuses a duplicate slug or a bad one, and lists', async () => {
    const slug = `cli-org-${unique()}`;
    const created = await runCliJson<{ id: string; slug: string }>(['orgs', 'create', '--slug', slug, '--name', 'ACME Corporation']);
    expect(await t.organisations.findBySlug(slug)).toMatchObject({ id: created.id, name: 'ACME Corporation' });

    const [dup, bad, listed, table] = await Promise.all([
      runCli(['orgs', 'create', '--slug', slug, '--name', 'Renamed']),
      runCli(['orgs', 'create', '--slug', 'Not A Slug', '--name', 'x']),
      runCliJson<Array<{ slug: string }>>(['orgs', 'list']),
      runCli(['orgs', 'list']),
    ]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain(`an organisation with slug ${slug} already exists`);
    expect((await t.organisations.findBySlug(slug))!.name).toBe('ACME Corporation');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--slug must be');
    expect(listed.map((o) => o.slug)).toContain(slug);
    expect(table.stdout).toMatch(/^SLUG\s+NAME\s+ID\s+CREATED/);
  });
});

describe('users create', () => {
  it('creates a user from a password on stdin, stored as a verifiable argon2id hash, audited', async () => {
    const slug = `cli-org-${unique()}`;
    const email = `Ada.${unique()}@Example.com`;
    const r = await runCli(['users', 'create', '--email', email, '--name', 'Ada Lovelace', '--org', slug, '--create-org', '--password-stdin'], { input: `${goodPassword}\n` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Created organisation ${slug}`);
    expect(r.stdout).toContain(`Created user ${email}`);

    const account = await t.accounts.findByEmail(email.toLowerCase());
    expect(account).toMatchObject({ email, name: 'Ada Lovelace', emailVerified: false });
    expect(account!.organisationId).toBe((await t.organisations.findBySlug(slug))!.id);
    expect(account!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const hasher = await createPasswordHasher();
    expect(await hasher.verify(account!.passwordHash, goodPassword)).toBe(true); // trailing newline dropped
    expect(await hasher.verify(account!.passwordHash, `${goodPassword}\n`)).toBe(false);
    const audit = await t.audit.findRecent({ accountId: account!.id, type: 'account.created' });
    expect(audit).toHaveLength(1);

    // the same address again, in any case, is refused
    const dup = await runCli(['users', 'create', '--email', email.toUpperCase(), '--name', 'Someone', '--org', slug, '--password-stdin'], { input: goodPassword });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');
  });

  it('refuses common and short passwords, a missing organisation, and no password at all', async () => {
    const slug = `cli-org-${unique()}`;
    await t.organisations.save({ slug, name: 'Existing' });
    const email = `bob.${unique()}@example.com`;
    const args = ['users', 'create', '--email', email, '--name', 'Bob', '--org', slug, '--password-stdin'];
    const [common, short, noOrg, noPassword, badEmail] = await Promise.all([
      runCli(args, { input: 'password1\n' }),
      runCli(args, { input: 'abc123' }),
      runCli(['users', 'create', '--email', email, '--name', 'Bob', '--org', `missing-${unique()}`, '--password-stdin'], { input: goodPassword }),
      runCli(['users', 'create', '--email', email, '--name', 'Bob', '--org', slug]),
      runCli(['users', 'create', '--email', 'not-an-address', '--name', 'Bob', '--org', slug, '--password-stdin'], { input: goodPassword }),
    ]);
    expect(common.code).toBe(1);
    expect(common.stderr).toContain('commonly used passwords');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('too short: at least 8 characters');
    expect(noOrg.code).toBe(1);
    expect(noOrg.stderr).toContain('create it first (twofold orgs create');
    expect(noOrg.stderr).toContain('--create-org');
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('--password-stdin');
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain('is not an e-mail address');
    expect(await t.accounts.findByEmail(email)).toBeUndefined();
  });
});
