// The sweep of expired remembered devices against real Postgres, on a database of its own (the
// run's shared one holds other tests' rows, which a sweep at a moved clock would take too).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { startSweeper, sweepExpired } from '../../src/maintenance/sweep.js';
import { createAccountsRepo } from '../../src/storage/postgres/accounts.js';
import { createDb, type Db } from '../../src/storage/postgres/db.js';
import { createOrganisationsRepo } from '../../src/storage/postgres/organisations.js';
import { createRememberedDevicesRepo } from '../../src/storage/postgres/remembered-devices.js';
import { eventually } from '../support/eventually.js';
import { silentLog, throwawayDatabase, uniqueSuffix, type ThrowawayDatabase } from '../support/storage-postgres.js';

const day = 86_400_000;
let database: ThrowawayDatabase;
let db: Db;
beforeAll(async () => {
  database = await throwawayDatabase({ migrated: true });
  db = createDb(database.url, 4);
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

async function account() {
  const org = await createOrganisationsRepo(db).save({ slug: `sweep-${uniqueSuffix()}`, name: 'Sweep' });
  return (await createAccountsRepo(db).save({ organisationId: org.id, email: `sweep-${uniqueSuffix()}@example.com`, name: 'S', emailVerified: true, passwordHash: null }))!.id;
}

async function device(accountId: string, expiresAt: number, opts: { forgotten?: boolean } = {}) {
  const repo = createRememberedDevicesRepo(db);
  const tokenHash = randomBytes(32).toString('base64url');
  const saved = await repo.save({ accountId, tokenHash, browser: 'Firefox', os: 'Linux', ip: '192.0.2.1', expiresAt: new Date(expiresAt) });
  if (opts.forgotten) await repo.forget(accountId, saved.id, 'profile');
  return tokenHash;
}

const exists = async (tokenHash: string) => (await createRememberedDevicesRepo(db).findByTokenHash(tokenHash)) !== undefined;

describe('sweeping expired remembered devices', () => {
  it("deletes every account's rows expired over a day ago, forgotten or not, and keeps the rest", async () => {
    const now = Date.now() + 400 * day; // ahead of every row the other tests here make
    const [a, b] = [await account(), await account()];
    const gone = [await device(a, now - 2 * day), await device(b, now - 30 * day), await device(b, now - 3 * day, { forgotten: true })];
    const kept = [await device(a, now - 12 * 3_600_000), await device(a, now + day), await device(b, now + 7 * day, { forgotten: true })];
    const result = await sweepExpired({ db, clock: manualClock(now) });
    expect(result.rememberedDevices).toBeGreaterThanOrEqual(3);
    for (const t of gone) expect(await exists(t)).toBe(false);
    for (const t of kept) expect(await exists(t)).toBe(true);
    expect(await sweepExpired({ db, clock: manualClock(now) })).toEqual({ rememberedDevices: 0 });
  });

  it('lets several replicas sweep at once: each row goes once, nobody fails, in batches', async () => {
    const now = Date.now() + 800 * day;
    const id = await account();
    const rows = await Promise.all(Array.from({ length: 40 }, (_, i) => device(id, now - 2 * day - i * 1000)));
    const live = await device(id, now + day);
    const repo = createRememberedDevicesRepo(db);
    const counts = await Promise.all([1, 2, 3, 4].map(() => repo.deleteExpired(new Date(now - day), 3)));
    expect(counts.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(40);
    for (const t of rows) expect(await exists(t)).toBe(false);
    expect(await exists(live)).toBe(true);
  });

  it('runs at start and then every interval until stopped', async () => {
    const clock = manualClock(Date.now() + 1200 * day);
    const id = await account();
    const first = await device(id, clock.now() - 2 * day);
    const sweeper = startSweeper({ db, clock, log: silentLog }, { intervalMs: 50 });
    expect(
      await eventually(
        () => exists(first),
        (there) => !there,
      ),
    ).toBe(false);
    const second = await device(id, clock.now() - 2 * day); // expired after the first round
    expect(
      await eventually(
        () => exists(second),
        (there) => !there,
      ),
    ).toBe(false);
    await sweeper.stop();
    const third = await device(id, clock.now() - 2 * day);
    await new Promise((r) => setTimeout(r, 200));
    expect(await exists(third)).toBe(true);
  });
});
