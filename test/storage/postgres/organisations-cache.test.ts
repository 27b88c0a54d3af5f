// Organisations kept in process (organisations-cache.ts) over the real repository: findById from
// memory until the TTL or an invalidation, told of this process's changes by the repository and
// of other processes' by Postgres NOTIFY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { manualClock } from '../../../src/clock.js';
import type { Db } from '../../../src/storage/postgres/db.js';
import { listen, type Listener } from '../../../src/storage/postgres/notifications.js';
import { createOrganisationsCache, type OrganisationsCache } from '../../../src/storage/postgres/organisations-cache.js';
import { createOrganisationsRepo, organisationsChannel } from '../../../src/storage/postgres/organisations.js';
import { eventually } from '../../support/eventually.js';
import { sharedDb, silentLog } from '../../support/storage-postgres.js';

let db: Db;
beforeAll(() => {
  db = sharedDb(2);
});
afterAll(() => db?.close());

const slug = () => `cache-${randomBytes(4).toString('hex')}`;

/** The repository, counting findById. */
function counting() {
  const repo = createOrganisationsRepo(db);
  let reads = 0;
  return {
    repo: {
      ...repo,
      findById: (id: string) => {
        reads++;
        return repo.findById(id);
      },
    },
    reads: () => reads,
  };
}

describe('organisations cache', () => {
  it('answers findById from memory until the TTL passes; unknown ids are read each time', async () => {
    const source = counting();
    const clock = manualClock(0);
    const cache = createOrganisationsCache(source.repo, { ttlMs: 1000, now: clock.now });
    const org = await source.repo.save({ slug: slug(), name: 'Cached' });
    expect((await cache.repo.findById(org.id))?.name).toBe('Cached');
    await cache.repo.findById(org.id);
    expect(source.reads()).toBe(1);
    clock.advance(1001);
    await cache.repo.findById(org.id);
    expect(source.reads()).toBe(2);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await cache.repo.findById(unknown)).toBeUndefined();
    expect(await cache.repo.findById(unknown)).toBeUndefined();
    expect(source.reads()).toBe(4);
  });

  it("is told of this process's changes by the repository", async () => {
    let cache: OrganisationsCache | undefined;
    const repo = createOrganisationsRepo(db, { onChange: (id) => cache?.invalidate(id) });
    cache = createOrganisationsCache(repo, { ttlMs: 60_000, now: Date.now });
    const org = await cache.repo.save({ slug: slug(), name: 'Before' });
    expect((await cache.repo.findById(org.id))?.policy.mode).toBe('optional');
    await cache.repo.savePolicy(org.id, { mode: 'required' });
    expect((await cache.repo.findById(org.id))?.policy.mode).toBe('required');
    await cache.repo.rename(org.id, 'After');
    expect((await cache.repo.findById(org.id))?.name).toBe('After');
  });

  it("learns of another process's change through NOTIFY", async () => {
    const cache = createOrganisationsCache(createOrganisationsRepo(db), { ttlMs: 60_000, now: Date.now });
    let listener: Listener | undefined;
    try {
      listener = await listen({ url: inject('databaseUrl'), channel: organisationsChannel, onMessage: (id) => cache.invalidate(id), onReset: () => cache.invalidate(), log: silentLog });
      const elsewhere = createOrganisationsRepo(db); // another replica: no onChange to this cache
      const org = await elsewhere.save({ slug: slug(), name: 'Shared' });
      expect((await cache.repo.findById(org.id))?.policy.rememberDeviceDays).toBe(7);
      await elsewhere.savePolicy(org.id, { rememberDeviceDays: 0 });
      const seen = await eventually(
        () => cache.repo.findById(org.id),
        (o) => o?.policy.rememberDeviceDays === 0,
      );
      expect(seen?.policy.rememberDeviceDays).toBe(0);
    } finally {
      await listener?.close();
    }
  });
});
