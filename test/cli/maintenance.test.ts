// `twofold maintenance sweep` on a database of its own (a sweep of the run's shared database
// would take other tests' expired rows).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRememberedDevicesRepo } from '../../src/storage/postgres/remembered-devices.js';
import { throwawayDatabase, uniqueSuffix, type ThrowawayDatabase } from '../support/storage-postgres.js';
import { openTestDb, type TestDb } from './db.js';
import { cliEnv, runCli, runCliJson } from './run-cli.js';

const day = 86_400_000;
let database: ThrowawayDatabase;
let t: TestDb;
beforeAll(async () => {
  database = await throwawayDatabase({ migrated: true });
  t = openTestDb(database.url);
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

describe('twofold maintenance sweep', () => {
  it('deletes the remembered devices that expired over a day ago and keeps the others', async () => {
    const org = await t.organisations.save({ slug: `sweep-${uniqueSuffix()}`, name: 'Sweep' });
    const account = (await t.accounts.save({ organisationId: org.id, email: `sweep-${uniqueSuffix()}@example.com`, name: 'S', emailVerified: true, passwordHash: null }))!;
    const repo = createRememberedDevicesRepo(t.db);
    const device = async (expiresAt: number) => {
      const tokenHash = randomBytes(32).toString('base64url');
      await repo.save({ accountId: account.id, tokenHash, browser: 'Firefox', os: 'Linux', ip: '192.0.2.1', expiresAt: new Date(expiresAt) });
      return tokenHash;
    };
    const [old, older, recent, live] = [await device(Date.now() - 2 * day), await device(Date.now() - 40 * day), await device(Date.now() - 3_600_000), await device(Date.now() + 30 * day)];

    const env = cliEnv({ DATABASE_URL: database.url });
    const run = await runCli(['maintenance', 'sweep'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Deleted 2 remembered devices that expired more than a day ago.\n');
    for (const gone of [old, older]) expect(await repo.findByTokenHash(gone)).toBeUndefined();
    for (const kept of [recent, live]) expect(await repo.findByTokenHash(kept)).toBeDefined();
    expect(await runCliJson(['maintenance', 'sweep'], { env })).toEqual({ remembered_devices: 0 });
  });
});
