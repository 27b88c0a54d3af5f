// The test process's own view of the database the CLI changes: the real repositories over the
// test run's database (or a throwaway one), with the secrets the CLI is given.
import { inject } from 'vitest';
import { createSecretBox } from '../../src/crypto/secret-box.js';
import { createDb } from '../../src/storage/postgres/db.js';
import { createRepositories } from '../../src/storage/postgres/repositories.js';
import { testSecrets } from '../support/app.js';

export function openTestDb(databaseUrl: string = inject('databaseUrl')) {
  const db = createDb(databaseUrl, 2);
  const box = createSecretBox(Buffer.from(testSecrets.ENCRYPTION_KEY, 'base64'));
  return {
    db,
    box,
    ...createRepositories(db, box),
    close: () => db.close(),
  };
}

export type TestDb = ReturnType<typeof openTestDb>;
