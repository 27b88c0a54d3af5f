// Group commit of the audit log against the run's real Postgres: concurrent record() calls share
// INSERT statements, every call resolves only once its own row can be read back, and a row
// Postgres refuses fails alone without taking its batch-mates with it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/storage/postgres/audit.js';
import type { Db, Queryable } from '../../../src/storage/postgres/db.js';
import { sharedDb } from '../../support/storage-postgres.js';

let db: Db;
beforeAll(() => {
  db = sharedDb();
});
afterAll(() => db.close());

/** The real pool, with a count of the INSERT statements sent through it. */
function counting(target: Queryable) {
  const counted = { inserts: 0 };
  const queryable: Queryable = {
    query: (sql, params) => {
      if (sql.startsWith('INSERT INTO audit_events')) counted.inserts++;
      return target.query(sql, params);
    },
  };
  return { queryable, counted };
}

describe('audit log with group commit', () => {
  it('writes 60 concurrent events in fewer statements, each readable once its call resolves', async () => {
    const { queryable, counted } = counting(db);
    const audit = createAuditLog(queryable, { groupCommit: true });
    const accountId = randomUUID();
    await Promise.all(
      Array.from({ length: 60 }, async (_, n) => {
        await audit.record({ type: 'signin.succeeded', accountId, details: { n } });
        // durable when the call resolves: this very row is there
        const rows = await db.query('SELECT 1 FROM audit_events WHERE account_id = $1 AND (details->>$2)::int = $3', [accountId, 'n', n]);
        expect(rows.rowCount).toBe(1);
      }),
    );
    const all = await db.query<{ n: string }>(`SELECT details->>'n' AS n FROM audit_events WHERE account_id = $1`, [accountId]);
    expect(all.rows.map((r) => Number(r.n)).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, n) => n));
    // the first goes alone, the rest share at most a few statements
    expect(counted.inserts).toBeGreaterThanOrEqual(2);
    expect(counted.inserts).toBeLessThanOrEqual(10);
  });

  it('refuses a bad row alone; its batch-mates are committed', async () => {
    const audit = createAuditLog(db, { groupCommit: true });
    const accountId = randomUUID();
    const results = await Promise.allSettled([
      audit.record({ type: 'signin.failed', accountId, details: { n: 0 } }),
      audit.record({ type: 'signin.failed', accountId, details: { n: 1 } }),
      audit.record({ type: 'signin.failed', accountId: 'not-a-uuid', details: { n: 2 } }),
      audit.record({ type: 'signin.failed', accountId, details: { n: 3 } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const rows = await db.query<{ n: string }>(`SELECT details->>'n' AS n FROM audit_events WHERE account_id = $1 ORDER BY id`, [accountId]);
    expect(rows.rows.map((r) => Number(r.n))).toEqual([0, 1, 3]);
  });

  it('keeps the order of one caller’s sequential events', async () => {
    const audit = createAuditLog(db, { groupCommit: true });
    const accountId = randomUUID();
    for (let n = 0; n < 5; n++) await audit.record({ type: 'factor.enrolled', accountId, details: { n } });
    const rows = await db.query<{ n: string }>(`SELECT details->>'n' AS n FROM audit_events WHERE account_id = $1 ORDER BY id`, [accountId]);
    expect(rows.rows.map((r) => Number(r.n))).toEqual([0, 1, 2, 3, 4]);
  });
});
