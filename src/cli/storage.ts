// What the CLI opens: the server's own PostgreSQL (DATABASE_URL, or the embedded PGlite in
// DATA_DIR) and the repositories over it. No Redis, no HTTP server: a command changes the
// database and every running replica sees the change on its next read.
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config/index.js';
import { createSecretBox, type SecretBox } from '../crypto/secret-box.js';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import { openPostgres } from '../storage/postgres/open.js';
import type { Db } from '../storage/postgres/db.js';
import { createRepositories, type Repositories } from '../storage/postgres/repositories.js';

export interface CliStorage extends Repositories {
  config: Config;
  log: Logger;
  clock: Clock;
  db: Db;
  box: SecretBox;
  /** migrations applied while opening (the server would have applied them at its next start) */
  appliedMigrations: string[];
  close(): Promise<void>;
}

/** Where the data is, for messages; never the password of DATABASE_URL. */
export function describeDatabase(config: Config): string {
  if (config.postgres.mode === 'embedded') return `the embedded database in ${config.postgres.dataDir}`;
  const url = new URL(config.postgres.url);
  return `PostgreSQL at ${url.host}${url.pathname}`;
}

export async function openCliStorage(config: Config, log: Logger, who: string): Promise<CliStorage> {
  let storage: Awaited<ReturnType<typeof openPostgres>>;
  try {
    storage = await openPostgres(config, log, who);
  } catch (err) {
    if (isAppError(err)) throw err;
    const reason = err instanceof AggregateError ? err.errors.map((e: Error) => e.message).join('; ') : (err as Error).message;
    throw new AppError('storage_unavailable', 503, `Cannot open ${describeDatabase(config)}: ${reason || String(err)}`, { expose: true, cause: err });
  }
  const { db } = storage;
  const box = createSecretBox(config.encryptionKey);
  return {
    config,
    log,
    clock: systemClock,
    db,
    box,
    ...createRepositories(db, box),
    appliedMigrations: storage.appliedMigrations,
    close: () => storage.close(),
  };
}
