// Applies the SQL files in migrations/ with node-pg-migrate: ordered, recorded in
// pgmigrations, locked against concurrent runs (replicas starting together), a no-op when
// everything is applied.
import { runner } from 'node-pg-migrate';
import type { Logger } from '../../log.js';
import { projectPath } from '../../project-root.js';

export const migrationsDir = projectPath('migrations');

export async function migrate(databaseUrl: string, log: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    // node-pg-migrate 9 defaults to 'fail': a replica that starts while another one migrates
    // would stop with "Another migration is already running". Wait for the lock instead; the
    // waiter then finds everything applied and does nothing.
    advisoryLockMode: 'wait',
    logger: {
      debug: () => {},
      info: (msg: string) => log.debug({ migration: msg }, 'migration'),
      warn: (msg: string) => log.warn({ migration: msg }, 'migration'),
      error: (msg: string) => log.error({ migration: msg }, 'migration'),
    },
  });
  const names = applied.map((m) => m.name);
  if (names.length) log.info({ applied: names }, 'database migrations applied');
  return names;
}
