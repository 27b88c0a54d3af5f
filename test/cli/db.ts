// The test process's own view of the database the CLI changes: the real repositories over the
// test run's database (or a throwaway one), with the secrets the CLI is given.
import { inject } from 'vitest';
import { createSecretBox } from '../../src/crypto/secret-box.js';
import { createAccountsRepo } from '../../src/storage/postgres/accounts.js';
import { createAuditLog } from '../../src/storage/postgres/audit.js';
import { createClientsRepo } from '../../src/storage/postgres/clients.js';
import { createDb } from '../../src/storage/postgres/db.js';
import { createOrganisationsRepo } from '../../src/storage/postgres/organisations.js';
import { createSigningKeysRepo } from '../../src/storage/postgres/signing-keys.js';
import { testSecrets } from '../support/app.js';

export function openTestDb(databaseUrl: string = inject('databaseUrl')) {
  const db = createDb(databaseUrl, 2);
  const box = createSecretBox(Buffer.from(testSecrets.ENCRYPTION_KEY, 'base64'));
  return {
    db,
    box,
    clients: createClientsRepo(db, box),
    accounts: createAccountsRepo(db),
    organisations: createOrganisationsRepo(db),
    audit: createAuditLog(db),
    signingKeys: createSigningKeysRepo(db),
    close: () => db.close(),
  };
}

export type TestDb = ReturnType<typeof openTestDb>;
