// The administrators' account queries against the run's real Postgres: the enrolment count
// (how many enabled accounts of an organisation have a second factor).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountAdminRepo, type AccountAdminRepo } from '../../../src/storage/postgres/account-admin.js';
import { createAccountsRepo } from '../../../src/storage/postgres/accounts.js';
import type { Db } from '../../../src/storage/postgres/db.js';
import { createOrganisationsRepo } from '../../../src/storage/postgres/organisations.js';
import { sharedDb, uniqueSuffix } from '../../support/storage-postgres.js';

let db: Db;
let admin: AccountAdminRepo;
beforeAll(() => {
  db = sharedDb();
  admin = createAccountAdminRepo(db);
});
afterAll(() => db.close());

describe('account admin: count', () => {
  it('counts the accounts matching a filter and those with a second factor', async () => {
    const org = await createOrganisationsRepo(db).save({ slug: `org-${uniqueSuffix()}`, name: 'Counted' });
    const accounts = createAccountsRepo(db);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const a = await accounts.save({ organisationId: org.id, email: `count-${i}-${uniqueSuffix()}@example.com`, name: `N${i}`, emailVerified: true, passwordHash: null });
      ids.push(a!.id);
    }
    for (const id of ids.slice(0, 2)) {
      await db.query(`INSERT INTO factors (id, account_id, kind, label, destination) VALUES ($1, $2, 'email', '', 'x@example.com')`, [randomUUID(), id]);
    }
    await admin.setDisabled(ids[3]!, true);
    // an exemption in effect counts (for an account without a factor); an expired one does not
    await db.query(`INSERT INTO twofa_exemptions (account_id, until, reason, created_by) VALUES ($1, NULL, 'lost phone', '{"by":"api"}')`, [ids[2]]);
    await db.query(`INSERT INTO twofa_exemptions (account_id, until, reason, created_by) VALUES ($1, now() - interval '1 day', 'old', '{"by":"api"}')`, [ids[3]]);
    expect(await admin.count({ organisationId: org.id })).toEqual({ total: 4, enrolled: 2, exempt: 1 });
    expect(await admin.count({ organisationId: org.id, disabled: false })).toEqual({ total: 3, enrolled: 2, exempt: 1 });
    expect(await admin.count({ organisationId: 'not-a-uuid' })).toEqual({ total: 0, enrolled: 0, exempt: 0 });
  });
});
