// `twofold migrate` and `twofold keys ...` on a database of their own: the signing keys are
// shared by every test of the run, and rotating them there would change what other tests see.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { ensureSigningKeys } from '../../src/keys/signing-keys.js';
import { openTestDb, type TestDb } from './db.js';
import { migrationsDir } from '../../src/storage/postgres/migrate.js';
import { throwawayDatabase, type ThrowawayDatabase } from '../support/storage-postgres.js';
import { cliEnv, runCli, runCliJson } from './run-cli.js';

const migrationCount = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).length;

let database: ThrowawayDatabase;
let databaseUrl: string;
let env: Record<string, string>;
let t: TestDb | undefined;
beforeAll(async () => {
  database = await throwawayDatabase();
  databaseUrl = database.url;
  env = cliEnv({ DATABASE_URL: databaseUrl, KEY_REFRESH_SECONDS: '30', ID_TOKEN_TTL_SECONDS: '900', ACCESS_TOKEN_TTL_SECONDS: '1200' });
});
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

describe('migrate', () => {
  it('applies the migrations to an empty database, then has nothing to do', async () => {
    const first = await runCli(['migrate'], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`Applied ${migrationCount} migrations? to PostgreSQL at [^:]+:\\d+/twofold_test_storage_\\w+:\\n {2}\\d+_init`));
    const again = await runCliJson<{ applied: string[]; total: number }>(['migrate'], { env });
    expect(again).toEqual({ applied: [], total: migrationCount });
  });
});

describe('keys', () => {
  it('rotate adds pending keys, schedules the old ones to retire, and list shows both', async () => {
    t = openTestDb(databaseUrl);
    const old = await ensureSigningKeys({ db: t.db, box: t.box, clock: systemClock });
    expect(old).toHaveLength(2);

    const before = Date.now();
    const rotated = await runCliJson<{ keys: Array<{ kid: string; alg: string; signs_from: string }>; old_keys_published_until: string }>(['keys', 'rotate'], { env });
    expect(rotated.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);

    const rows = await t.signingKeys.findAll();
    const fresh = rows.filter((r) => rotated.keys.some((k) => k.kid === r.kid));
    const replaced = rows.filter((r) => old.includes(r.kid));
    // default activation delay: 2 x KEY_REFRESH_SECONDS
    for (const k of fresh) {
      expect(k.signsFrom.getTime()).toBeGreaterThanOrEqual(before + 60_000 - 1000);
      expect(k.signsFrom.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
      expect(k.retireAt).toBeNull();
    }
    // old keys stay published at least the longest token lifetime (here the access token's)
    // after the new ones start signing, and the CLI says until when
    const until = new Date(rotated.old_keys_published_until).getTime();
    expect(until).toBeGreaterThanOrEqual(fresh[0]!.signsFrom.getTime() + 1200_000);
    for (const k of replaced) expect(k.retireAt!.getTime()).toBe(until);

    const listed = await runCliJson<Array<{ kid: string; state: string }>>(['keys', 'list'], { env });
    const state = Object.fromEntries(listed.map((k) => [k.kid, k.state]));
    for (const kid of old) expect(state[kid]).toBe('signing');
    for (const k of rotated.keys) expect(state[k.kid]).toBe('pending');
    const table = await runCli(['keys', 'list'], { env });
    expect(table.stdout).toMatch(/pending until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    expect(table.stdout).toMatch(/signing, published until/);

    const { rows: audit } = await t.db.query<{ details: { kids: string[] } }>("SELECT details FROM audit_events WHERE type = 'key.rotated'");
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details.kids.sort()).toEqual(rotated.keys.map((k) => k.kid).sort());
  });

  it('takes --activate-in, and refuses a value that is not a number of seconds', async () => {
    const [now, bad] = await Promise.all([
      runCliJson<{ keys: Array<{ signs_from: string }> }>(['keys', 'rotate', '--activate-in', '0'], { env }),
      runCli(['keys', 'rotate', '--activate-in', 'soon'], { env }),
    ]);
    expect(Math.abs(new Date(now.keys[0]!.signs_from).getTime() - Date.now())).toBeLessThan(15_000);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--activate-in must be a whole number of seconds');
  });
});
