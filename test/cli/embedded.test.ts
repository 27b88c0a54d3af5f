// Without DATABASE_URL the CLI works on the embedded PGlite database in DATA_DIR, and refuses
// to open it while another process (the server) has it: PGlite is single-process.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lockEmbeddedDataDir, lockFileName } from '../../src/storage/postgres/embedded-lock.js';
import { cliEnv, runCli } from './run-cli.js';

let dataDir: string;
let env: Record<string, string>;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'twofold-cli-'));
  // no DATABASE_URL, no secrets: the zero-setup mode generates them into DATA_DIR
  env = cliEnv({ DATABASE_URL: undefined, ENCRYPTION_KEY: undefined, COOKIE_KEYS: undefined, DATA_DIR: dataDir });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

it('works on the embedded database: creates it, applies the schema, and does its job', async () => {
  // (PGlite keeping data across processes is test/storage/postgres/embedded.test.ts's subject)
  const created = await runCli(['orgs', 'create', '--slug', 'embedded', '--name', 'Embedded Ltd', '--json'], { env });
  expect(created.code, created.stderr).toBe(0);
  expect(created.stderr).toContain('Applied pending database migrations first');
  expect(JSON.parse(created.stdout)).toMatchObject({ slug: 'embedded', name: 'Embedded Ltd' });
  expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true);
  // and leaves the data directory free for the server
  expect(existsSync(join(dataDir, lockFileName))).toBe(false);
});

it('refuses, saying why, while another process holds the embedded database', async () => {
  const lock = lockEmbeddedDataDir(dataDir, 'the Twofold server');
  try {
    const r = await runCli(['orgs', 'list'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`is in use by the Twofold server (process ${process.pid}`);
    expect(r.stderr).toContain('can be opened by one process only');
    expect(r.stderr).toContain('set DATABASE_URL');
  } finally {
    lock.release();
  }
});
