// Opens the one PostgreSQL of a deployment, migrated: the server from DATABASE_URL, or the
// embedded PGlite in DATA_DIR (locked to this process). Kept apart from services.ts so that
// the operator CLI can open the database without loading the HTTP and OIDC stack.
import type { Config } from '../../config/index.js';
import type { Logger } from '../../log.js';
import { createDb, type Db } from './db.js';
import { lockEmbeddedDataDir } from './embedded-lock.js';
import { migrate } from './migrate.js';

export interface Storage {
  db: Db;
  databaseUrl: string;
  /** names of the migrations this call applied (empty when the schema was up to date) */
  appliedMigrations: string[];
  close(): Promise<void>;
}

/**
 * Postgres, embedded or external, migrated. `who` names this process in the embedded data
 * directory's lock, which keeps a second process (the CLI next to a running server) out.
 */
export async function openPostgres(config: Config, log: Logger, who = 'the Twofold server'): Promise<Storage> {
  if (config.postgres.mode === 'external') {
    const appliedMigrations = await migrate(config.postgres.url, log);
    const db = createDb(config.postgres.url, config.postgres.poolMax);
    log.info({ postgres: 'external' }, 'using PostgreSQL from DATABASE_URL');
    return { db, databaseUrl: config.postgres.url, appliedMigrations, close: () => db.close() };
  }
  const lock = lockEmbeddedDataDir(config.postgres.dataDir, who);
  // loaded only in embedded mode: PGlite is a large WebAssembly module
  const { startEmbeddedPostgres } = await import('./embedded.js');
  const embedded = await startEmbeddedPostgres(config.postgres.dataDir, config.postgres.poolMax).catch((err: unknown) => {
    lock.release();
    throw err;
  });
  try {
    const appliedMigrations = await migrate(embedded.url, log);
    const db = createDb(embedded.url, config.postgres.poolMax);
    log.info({ postgres: 'embedded', dataDir: config.postgres.dataDir }, 'using embedded PostgreSQL (PGlite); set DATABASE_URL for a real server');
    return {
      db,
      databaseUrl: embedded.url,
      appliedMigrations,
      async close() {
        await db.close();
        await embedded.stop();
        lock.release();
      },
    };
  } catch (err) {
    await embedded.stop().catch(() => {});
    lock.release();
    throw err;
  }
}
