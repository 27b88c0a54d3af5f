// Remembered devices against the run's real Postgres: remembering purges the account's rows
// that expired long enough ago, and nobody else's.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/storage/postgres/db.js';
import { createAccountsRepo } from '../../../src/storage/postgres/accounts.js';
import { createOrganisationsRepo } from '../../../src/storage/postgres/organisations.js';
import { createRememberedDevicesRepo } from '../../../src/storage/postgres/remembered-devices.js';
import { sharedDb, uniqueSuffix } from '../../support/storage-postgres.js';

let db: Db;
beforeAll(() => {
  db = sharedDb();
});
afterAll(() => db.close());

async function account() {
  const org = await createOrganisationsRepo(db).save({ slug: `dev-${uniqueSuffix()}`, name: 'Devices' });
  return (await createAccountsRepo(db).save({ organisationId: org.id, email: `dev-${uniqueSuffix()}@example.com`, name: 'D', emailVerified: true, passwordHash: null }))!;
}

describe('remembered devices', () => {
  it('purges the expired rows of the account when it remembers a new one, and only those', async () => {
    const repo = createRememberedDevicesRepo(db);
    const [mine, theirs] = [await account(), await account()];
    // a year ahead: a server sweeping the shared database meanwhile (main.test.ts) cannot take these rows
    const now = Date.now() + 365 * 86_400_000;
    const device = async (accountId: string, expiresAt: number) => {
      const tokenHash = randomBytes(32).toString('base64url');
      await repo.save({ accountId, tokenHash, browser: 'Firefox', os: 'Linux', ip: '192.0.2.1', expiresAt: new Date(expiresAt) });
      return { tokenHash };
    };
    const old = await device(mine.id, now - 3 * 86_400_000);
    const live = await device(mine.id, now + 86_400_000);
    const othersOld = await device(theirs.id, now - 3 * 86_400_000);
    expect(await repo.findByTokenHash(old.tokenHash)).toBeDefined();
    await repo.save({
      accountId: mine.id,
      tokenHash: randomBytes(32).toString('base64url'),
      browser: 'Chrome',
      os: 'Linux',
      ip: '192.0.2.1',
      expiresAt: new Date(now + 7 * 86_400_000),
      purgeBefore: new Date(now - 86_400_000),
    });
    expect(await repo.findByTokenHash(old.tokenHash)).toBeUndefined();
    expect(await repo.findByTokenHash(live.tokenHash)).toBeDefined();
    expect(await repo.findByTokenHash(othersOld.tokenHash)).toBeDefined();
  });
});
