// Postgres for storage-layer tests: the run's shared, migrated database, or a throwaway one of
// a test's own (for migrations from scratch, and for the signing_keys table, which every app
// in the run reads). Throwaway databases are dropped by drop(), even while connections linger.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createDb, type Db } from '../../src/storage/postgres/db.js';
import { migrate } from '../../src/storage/postgres/migrate.js';

export const silentLog = createLogger('silent');

export function sharedDb(max = 4): Db {
  return createDb(inject('databaseUrl'), max);
}

export interface ThrowawayDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** An empty database; `migrated: true` applies the migrations. */
export async function throwawayDatabase(opts: { migrated?: boolean } = {}): Promise<ThrowawayDatabase> {
  const name = `twofold_test_storage_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(inject('adminDatabaseUrl'));
  url.pathname = `/${name}`;
  if (opts.migrated) await migrate(url.href, silentLog);
  return {
    name,
    url: url.href,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export const uniqueSuffix = () => randomBytes(5).toString('hex');
