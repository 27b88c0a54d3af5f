// Embedded Postgres (PGlite behind pglite-socket): the zero-setup mode runs the same pg code,
// the same migrations and the same repositories, including the transactions and locks of key
// creation, with concurrent requests through the pool the configuration gives it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { createSecretBox } from '../../../src/crypto/secret-box.js';
import { ensureSigningKeys, loadPublishedKeys } from '../../../src/keys/signing-keys.js';
import { createAccountsRepo } from '../../../src/storage/postgres/accounts.js';
import { createClientsRepo } from '../../../src/storage/postgres/clients.js';
import { createDb } from '../../../src/storage/postgres/db.js';
import { startEmbeddedPostgres } from '../../../src/storage/postgres/embedded.js';
import { migrate } from '../../../src/storage/postgres/migrate.js';
import { createOrganisationsRepo } from '../../../src/storage/postgres/organisations.js';
import { parseConfig } from '../../../src/config/schema.js';
import { silentLog } from '../../support/storage-postgres.js';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'twofold-pglite-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded Postgres', () => {
  const box = createSecretBox(randomBytes(32));
  // the pool size the zero-setup configuration gives the embedded database
  const poolMax = parseConfig({ DATA_DIR: 'unused' }).postgres.poolMax;

  it('migrates, serves a pool of connections, creates keys once under concurrency, and keeps data across restarts', async () => {
    const first = await startEmbeddedPostgres(dataDir, poolMax);
    let accountId: string;
    try {
      expect(await migrate(first.url, silentLog)).not.toEqual([]);
      const db = createDb(first.url, poolMax);
      try {
        const org = await createOrganisationsRepo(db).save({ slug: 'embedded', name: 'Embedded' });
        const account = await createAccountsRepo(db).save({ organisationId: org.id, email: 'e@example.com', name: 'E', emailVerified: true, passwordHash: null });
        accountId = account!.id;
        await createClientsRepo(db, box).save({ clientId: 'embedded-rp', metadata: { redirect_uris: ['http://localhost/cb'] }, firstParty: true, secret: 'pglite-secret' });

        // concurrent transactions with advisory locks must neither deadlock nor create keys
        // twice, and parameterised queries meanwhile must still answer (with a pool of several
        // connections they failed: 'portal "" does not exist')
        const [a, b, c, lookups] = await Promise.all([
          ensureSigningKeys({ db, box, clock: systemClock }),
          ensureSigningKeys({ db, box, clock: systemClock }),
          ensureSigningKeys({ db, box, clock: systemClock }),
          Promise.all(Array.from({ length: 10 }, () => createAccountsRepo(db).findById(accountId))),
        ]);
        expect([...a, ...b, ...c]).toHaveLength(2);
        expect(lookups.every((l) => l?.email === 'e@example.com')).toBe(true);
        expect((await loadPublishedKeys({ db, box, clock: systemClock })).jwks.keys).toHaveLength(2);
      } finally {
        await db.close();
      }
    } finally {
      await first.stop();
    }
    expect(statSync(join(dataDir, 'pgdata')).mode & 0o777).toBe(0o700);

    const second = await startEmbeddedPostgres(dataDir, poolMax);
    try {
      expect(await migrate(second.url, silentLog)).toEqual([]);
      const db = createDb(second.url, poolMax);
      try {
        expect((await createAccountsRepo(db).findById(accountId))?.email).toBe('e@example.com');
        expect((await createClientsRepo(db, box).findMetadata('embedded-rp'))?.client_secret).toBe('pglite-secret');
        expect(await ensureSigningKeys({ db, box, clock: systemClock })).toEqual([]);
      } finally {
        await db.close();
      }
    } finally {
      await second.stop();
    }
  }, 60_000);
});
