// `twofold migrate`: apply the pending database migrations, as every replica does at start;
// useful before a deployment, or to see that the schema is up to date.
import { readdirSync } from 'node:fs';
import { migrationsDir } from '../storage/postgres/migrate.js';
import { jsonOption, type Command } from './command.js';
import { printJson, println } from './io.js';
import { describeDatabase } from './storage.js';
import { plural } from './output.js';

const migrate: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations',
  usage: 'twofold migrate [--json]',
  details: `Applies the SQL migrations in migrations/ that the database has not seen, in order, under
a lock (safe next to starting replicas). A no-op when the schema is up to date.

Example:
  DATABASE_URL=postgres://twofold@db/twofold twofold migrate`,
  options: { ...jsonOption },
  async run(args, { io, withStorage }) {
    // opening the database applies what is pending (the same runner the server uses)
    const { applied, where } = await withStorage(async (s) => ({ applied: s.appliedMigrations, where: describeDatabase(s.config) }));
    const total = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).length;
    if (args.values['json']) {
      printJson(io, { applied, total });
      return;
    }
    if (!applied.length) {
      println(io.stdout, `Nothing to apply: ${where} is up to date (${plural(total, 'migration')}).`);
      return;
    }
    println(io.stdout, `Applied ${plural(applied.length, 'migration')} to ${where}:`);
    for (const name of applied) println(io.stdout, `  ${name}`);
  },
};

export const migrateCommands: Command[] = [migrate];
