// Accounts against the run's real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/storage/postgres/db.js';
import { createAccountsRepo, type AccountsRepo, type NewAccount } from '../../../src/storage/postgres/accounts.js';
import { createOrganisationsRepo } from '../../../src/storage/postgres/organisations.js';
import { sharedDb, uniqueSuffix } from '../../support/storage-postgres.js';

let db: Db;
let accounts: AccountsRepo;
let organisationId: string;

beforeAll(async () => {
  db = sharedDb();
  accounts = createAccountsRepo(db);
  organisationId = (await createOrganisationsRepo(db).save({ slug: `acc-${uniqueSuffix()}`, name: 'Accounts test' })).id;
});
afterAll(() => db.close());

const newAccount = (over: Partial<NewAccount> = {}): NewAccount => ({
  organisationId,
  email: `Ada.${uniqueSuffix()}@Example.com`,
  name: 'Ada Lovelace',
  emailVerified: true,
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA',
  ...over,
});

describe('accounts', () => {
  it('saves an account and finds it by id and by e-mail', async () => {
    const input = newAccount();
    const saved = await accounts.save(input);
    expect(saved).toMatchObject({ ...input, disabledAt: null });
    expect(saved!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(saved!.createdAt).toBeInstanceOf(Date);
    expect(await accounts.findById(saved!.id)).toEqual(saved);
    expect(await accounts.findByEmail(input.email)).toEqual(saved);
  });

  it('finds an e-mail address case-insensitively and keeps it as typed', async () => {
    const input = newAccount();
    const saved = await accounts.save(input);
    expect(await accounts.findByEmail(input.email.toUpperCase())).toEqual(saved);
    expect(await accounts.findByEmail(input.email.toLowerCase())).toEqual(saved);
    expect(saved!.email).toBe(input.email);
  });

  it('refuses a second account with the same address in another case: save returns undefined', async () => {
    const input = newAccount();
    const first = await accounts.save(input);
    expect(first).toBeDefined();
    expect(await accounts.save({ ...input, email: input.email.toLowerCase(), name: 'Impostor' })).toBeUndefined();
    expect(await accounts.save({ ...input, email: input.email.toUpperCase() })).toBeUndefined();
    expect((await accounts.findByEmail(input.email))?.name).toBe('Ada Lovelace');
  });

  it('answers undefined, without a database error, for ids that are not uuids', async () => {
    for (const id of ['', 'not-a-uuid', '1', "' OR 1=1 --", '00000000-0000-0000-0000-00000000000g', 'a'.repeat(1000), '\u0000']) {
      await expect(accounts.findById(id)).resolves.toBeUndefined();
    }
    expect(await accounts.findById('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('answers undefined, without a database error, for addresses Postgres cannot hold', async () => {
    // the sign-in form passes whatever was typed; a NUL byte must not become a 500
    await expect(accounts.findByEmail('a\u0000@example.com')).resolves.toBeUndefined();
    await expect(accounts.findByEmail('')).resolves.toBeUndefined();
    await expect(accounts.findByEmail('x'.repeat(10_000))).resolves.toBeUndefined();
  });

  it('records when the password was set, and only when there is one', async () => {
    const withPassword = (await accounts.save(newAccount()))!;
    const invited = (await accounts.save(newAccount({ passwordHash: null })))!;
    expect(invited.passwordHash).toBeNull();
    const { rows } = await db.query<{ id: string; password_changed_at: Date | null }>('SELECT id, password_changed_at FROM accounts WHERE id = ANY($1::uuid[])', [[withPassword.id, invited.id]]);
    const changedAt = new Map(rows.map((r) => [r.id, r.password_changed_at]));
    expect(changedAt.get(withPassword.id)).toBeInstanceOf(Date);
    expect(changedAt.get(invited.id)).toBeNull();
  });

  it('savePasswordHash replaces the hash of that account only', async () => {
    const a = (await accounts.save(newAccount()))!;
    const b = (await accounts.save(newAccount()))!;
    await accounts.savePasswordHash(a.id, '$argon2id$new');
    expect((await accounts.findById(a.id))?.passwordHash).toBe('$argon2id$new');
    expect((await accounts.findById(b.id))?.passwordHash).toBe(b.passwordHash);
  });
});
