// Migrations on a database of their own: applied once, a no-op afterwards, and safe when several
// replicas start together and all run migrate() at the same moment.
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrate, migrationsDir } from '../../../src/storage/postgres/migrate.js';
import { silentLog, throwawayDatabase, type ThrowawayDatabase } from '../../support/storage-postgres.js';

const allMigrations = readdirSync(migrationsDir)
  .filter((f) => f.endsWith('.sql'))
  .map((f) => f.replace(/\.sql$/, ''))
  .sort();

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

let db: ThrowawayDatabase | undefined;
afterEach(async () => {
  await db?.drop();
  db = undefined;
});

describe('migrate', () => {
  it('applies every migration on an empty database, then nothing the second time', async () => {
    db = await throwawayDatabase();
    expect(allMigrations.length).toBeGreaterThan(0);
    expect(await migrate(db.url, silentLog)).toEqual(allMigrations);
    expect(await migrate(db.url, silentLog)).toEqual([]);
    const recorded = await query<{ name: string }>(db.url, 'SELECT name FROM pgmigrations ORDER BY id');
    expect(recorded.map((r) => r.name)).toEqual(allMigrations);
    const tables = await query<{ table_name: string }>(db.url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['accounts', 'audit_events', 'clients', 'organisations', 'pgmigrations', 'signing_keys']));
  });

  it('lets replicas that start together all succeed, and applies each migration once', async () => {
    db = await throwawayDatabase();
    const url = db.url;
    const results = await Promise.allSettled([migrate(url, silentLog), migrate(url, silentLog), migrate(url, silentLog)]);
    for (const r of results) expect(r.status === 'rejected' ? String(r.reason) : 'ok').toBe('ok');
    const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(applied.sort()).toEqual(allMigrations);
    const recorded = await query<{ name: string }>(url, 'SELECT name FROM pgmigrations ORDER BY id');
    expect(recorded.map((r) => r.name)).toEqual(allMigrations);
  });

  it('fails with a clear error for an unreachable database', async () => {
    await expect(migrate('postgres://postgres@127.0.0.1:1/nothing', silentLog)).rejects.toThrow();
  });
});
