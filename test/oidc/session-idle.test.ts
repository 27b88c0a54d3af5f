// The per-account session idle limit kept in process (src/oidc/session-idle.ts), over the real
// repositories and the organisations cache: answers from memory, refreshed after the cache's TTL
// or an invalidation, never storing an answer that an invalidation overtook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { manualClock } from '../../src/clock.js';
import { createSessionIdleLimits } from '../../src/oidc/session-idle.js';
import { createAccountsRepo } from '../../src/storage/postgres/accounts.js';
import type { Db } from '../../src/storage/postgres/db.js';
import { createOrganisationsCache, type OrganisationsCache } from '../../src/storage/postgres/organisations-cache.js';
import { createOrganisationsRepo, type OrganisationsRepo } from '../../src/storage/postgres/organisations.js';
import { sharedDb } from '../support/storage-postgres.js';

let db: Db;
let organisations: OrganisationsRepo;

beforeAll(() => {
  db = sharedDb(2);
  organisations = createOrganisationsRepo(db);
});
afterAll(() => db?.close());

async function accountIn(idle: number | null) {
  const org = await organisations.save({ slug: `idle-${randomBytes(4).toString('hex')}`, name: 'Idle test' });
  if (idle !== null) await organisations.savePolicy(org.id, { sessionIdleSeconds: idle });
  const account = await createAccountsRepo(db).save({ organisationId: org.id, email: `idle-${randomBytes(4).toString('hex')}@example.com`, name: 'I', emailVerified: true, passwordHash: null });
  return { org, account: account! };
}

/** The organisations repository, counting its reads and able to hold one back. */
function counted(source: OrganisationsRepo) {
  let lookups = 0;
  let gate: Promise<void> | undefined;
  return {
    lookups: () => lookups,
    hold(p: Promise<void> | undefined) {
      gate = p;
    },
    repo: {
      ...source,
      async findById(id: string) {
        lookups++;
        const found = await source.findById(id);
        if (gate) await gate;
        return found;
      },
    },
  };
}

/** The limits as the server builds them (src/services.ts), over this organisations source. */
function limitsOver(repo: OrganisationsRepo, opts: { ttlMs?: number; now?: () => number; maxAccounts?: number } = {}) {
  const cache = createOrganisationsCache(repo, { ttlMs: opts.ttlMs ?? 60_000, now: opts.now ?? Date.now });
  const accounts = createAccountsRepo(db);
  const limits = createSessionIdleLimits(
    { organisationOf: async (accountId) => (await accounts.findById(accountId))?.organisationId, organisations: cache },
    { defaultSeconds: 300, ...(opts.maxAccounts ? { maxAccounts: opts.maxAccounts } : {}) },
  );
  return { limits, cache };
}

describe('session idle limits', () => {
  it("answers the organisation's limit, or the default for none and for unknown accounts", async () => {
    const [set, unset] = await Promise.all([accountIn(900), accountIn(null)]);
    const { limits } = limitsOver(organisations);
    expect(limits.secondsFor(set.account.id)).toBe(300); // not learned yet
    expect(await limits.prepare(set.account.id)).toBe(900);
    expect(limits.secondsFor(set.account.id)).toBe(900);
    expect(await limits.prepare(unset.account.id)).toBe(300);
    expect(await limits.prepare('00000000-0000-4000-8000-000000000000')).toBe(300);
    expect(await limits.prepare('not-a-uuid')).toBe(300);
    expect(limits.secondsFor(undefined)).toBe(300);
  });

  it('reads Postgres again only after the TTL or an invalidation of that organisation', async () => {
    const { org, account } = await accountIn(600);
    const source = counted(organisations);
    const clock = manualClock(0);
    const { limits, cache } = limitsOver(source.repo, { ttlMs: 1000, now: clock.now });
    await limits.prepare(account.id);
    await limits.prepare(account.id);
    expect(source.lookups()).toBe(1);

    await organisations.savePolicy(org.id, { sessionIdleSeconds: 1200 });
    expect(await limits.prepare(account.id)).toBe(600); // not told yet: the cached answer
    cache.invalidate(org.id);
    expect(limits.secondsFor(account.id)).toBe(300); // forgotten until read again
    expect(await limits.prepare(account.id)).toBe(1200);
    expect(source.lookups()).toBe(2);

    await organisations.savePolicy(org.id, { sessionIdleSeconds: null });
    clock.advance(1001);
    expect(await limits.prepare(account.id)).toBe(300);
    expect(source.lookups()).toBe(3);
  });

  it('does not keep an answer read before an invalidation that arrived meanwhile', async () => {
    const { org, account } = await accountIn(600);
    const source = counted(organisations);
    const { limits, cache } = limitsOver(source.repo);
    let release!: () => void;
    source.hold(new Promise<void>((r) => (release = r)));
    const slow = limits.prepare(account.id); // reads 600, held back
    await new Promise((r) => setTimeout(r, 20));
    await organisations.savePolicy(org.id, { sessionIdleSeconds: 1500 });
    cache.invalidate(org.id);
    release();
    source.hold(undefined);
    expect(await slow).toBe(600);
    expect(await limits.prepare(account.id)).toBe(1500);
  });

  it('is told of every policy change the repository makes in this process', async () => {
    const { org, account } = await accountIn(600);
    let cache: OrganisationsCache | undefined;
    const repo = createOrganisationsRepo(db, { onChange: (id) => cache?.invalidate(id) });
    const over = limitsOver(repo);
    cache = over.cache;
    const limits = over.limits;
    expect(await limits.prepare(account.id)).toBe(600);
    await repo.savePolicy(org.id, { sessionIdleSeconds: 3600 });
    expect(await limits.prepare(account.id)).toBe(3600);
  });

  it('keeps a bounded number of accounts', async () => {
    const accounts = await Promise.all([accountIn(700), accountIn(800), accountIn(900)]);
    const source = counted(organisations);
    const { limits } = limitsOver(source.repo, { maxAccounts: 2 });
    for (const { account } of accounts) await limits.prepare(account.id);
    expect(limits.secondsFor(accounts[0]!.account.id)).toBe(300); // the oldest went out
    expect(limits.secondsFor(accounts[2]!.account.id)).toBe(900);
  });
});
