// The pg pool wrapper: transactions commit together or not at all and always give their
// connection back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/storage/postgres/db.js';
import { sharedDb, uniqueSuffix } from '../../support/storage-postgres.js';

let db: Db;
beforeAll(() => {
  // one connection: a transaction that leaked its client would block everything after it
  db = sharedDb(1);
});
afterAll(() => db.close());

const slugCount = async (slug: string) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM organisations WHERE slug = $1', [slug])).rows[0]!.n);

describe('db', () => {
  it('commits every statement of a transaction together', async () => {
    const a = `tx-${uniqueSuffix()}`;
    const b = `tx-${uniqueSuffix()}`;
    const result = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO organisations (slug, name) VALUES ($1, $2)', [a, 'A']);
      await tx.query('INSERT INTO organisations (slug, name) VALUES ($1, $2)', [b, 'B']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await slugCount(a)).toBe(1);
    expect(await slugCount(b)).toBe(1);
  });

  it('rolls everything back when the function throws, rethrows, and releases the connection', async () => {
    const a = `tx-${uniqueSuffix()}`;
    for (let i = 0; i < 3; i++) {
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO organisations (slug, name) VALUES ($1, $2)', [a, 'A']);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
    }
    expect(await slugCount(a)).toBe(0);
    await db.ping();
  });

  it('rolls back when a statement fails', async () => {
    const a = `tx-${uniqueSuffix()}`;
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO organisations (slug, name) VALUES ($1, $2)', [a, 'A']);
        await tx.query('INSERT INTO organisations (slug, name) VALUES ($1, $2)', [a, 'duplicate slug']);
      }),
    ).rejects.toThrow(/duplicate|unique/i);
    expect(await slugCount(a)).toBe(0);
  });

  it('ping fails for an unreachable server', async () => {
    const unreachable = createDb('postgres://postgres@127.0.0.1:1/none', 1);
    await expect(unreachable.ping()).rejects.toThrow();
    await unreachable.close();
  });
});
