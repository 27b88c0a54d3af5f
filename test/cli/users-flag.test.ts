// `twofold users flag|unflag`: the administrator's flag that makes remembered devices ask for
// the second factor again.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from './db.js';
import { runCli, runCliJson } from './run-cli.js';

let t: TestDb;
beforeAll(() => {
  t = openTestDb();
});
afterAll(() => t?.close());

const flaggedAt = async (id: string) => (await t.db.query<{ flagged_at: Date | null }>('SELECT flagged_at FROM accounts WHERE id = $1', [id])).rows[0]!.flagged_at;

describe('users flag / unflag', () => {
  it('sets and clears accounts.flagged_at by e-mail address; an unknown address is refused', async () => {
    const org = await t.organisations.save({ slug: `cli-flag-${randomBytes(4).toString('hex')}`, name: 'Flag test' });
    const email = `flag.${randomBytes(4).toString('hex')}@example.com`;
    const account = (await t.accounts.save({ organisationId: org.id, email, name: 'F', emailVerified: true, passwordHash: null }))!;

    const flagged = await runCli(['users', 'flag', '--email', email.toUpperCase()]);
    expect(flagged.code).toBe(0);
    expect(flagged.stdout).toContain('every sign-in asks for the second factor');
    expect(await flaggedAt(account.id)).toBeInstanceOf(Date);

    const json = await runCliJson<{ id: string; flagged: boolean }>(['users', 'unflag', '--email', email]);
    expect(json).toEqual({ id: account.id, email, flagged: false });
    expect(await flaggedAt(account.id)).toBeNull();

    const unknown = await runCli(['users', 'flag', '--email', `nobody.${randomBytes(4).toString('hex')}@example.com`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no user with e-mail');
  });
});
