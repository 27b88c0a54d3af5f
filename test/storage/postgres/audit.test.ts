// The audit log against the run's real Postgres. Other tests write to the same table at the
// same time, so every assertion is scoped to an account or client id of this file.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog, type AuditLog } from '../../../src/storage/postgres/audit.js';
import type { Db } from '../../../src/storage/postgres/db.js';
import { sharedDb } from '../../support/storage-postgres.js';

let db: Db;
let audit: AuditLog;
beforeAll(() => {
  db = sharedDb();
  audit = createAuditLog(db);
});
afterAll(() => db.close());

describe('audit log', () => {
  it('records an event with every field and reads it back', async () => {
    const accountId = randomUUID();
    await audit.record({ type: 'signin.failed', accountId, clientId: 'rp-1', ip: '203.0.113.7', userAgent: 'Firefox', details: { reason: 'wrong_password', step: 'password' } });
    const [event] = await audit.findRecent({ accountId });
    expect(event).toMatchObject({ type: 'signin.failed', accountId, clientId: 'rp-1', ip: '203.0.113.7', userAgent: 'Firefox', details: { reason: 'wrong_password', step: 'password' } });
    expect(event!.at).toBeInstanceOf(Date);
    expect(Math.abs(event!.at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('lists newest first, filtered by account, by type, or both, up to the limit', async () => {
    const accountId = randomUUID();
    const other = randomUUID();
    await audit.record({ type: 'signin.failed', accountId, details: { n: 1 } });
    await audit.record({ type: 'signin.succeeded', accountId, details: { n: 2 } });
    await audit.record({ type: 'signin.failed', accountId: other, details: { n: 3 } });
    await audit.record({ type: 'logout', accountId, details: { n: 4 } });

    expect((await audit.findRecent({ accountId })).map((e) => e.details['n'])).toEqual([4, 2, 1]);
    expect((await audit.findRecent({ accountId, type: 'signin.failed' })).map((e) => e.details['n'])).toEqual([1]);
    expect((await audit.findRecent({ accountId, limit: 2 })).map((e) => e.details['n'])).toEqual([4, 2]);
    const failed = await audit.findRecent({ type: 'signin.failed', limit: 500 });
    expect(failed.every((e) => e.type === 'signin.failed')).toBe(true);
    expect(failed.map((e) => e.accountId)).toEqual(expect.arrayContaining([accountId, other]));
  });

  it('stores events without an account, with an empty details object', async () => {
    const clientId = `rp-${randomUUID()}`;
    await audit.record({ type: 'client.created', clientId });
    const found = (await audit.findRecent({ type: 'client.created', limit: 1000 })).find((e) => e.clientId === clientId);
    expect(found).toMatchObject({ type: 'client.created', clientId, details: {} });
    expect(found!.accountId ?? null).toBeNull();
  });

  it('truncates a huge User-Agent to 512 characters', async () => {
    const accountId = randomUUID();
    await audit.record({ type: 'logout', accountId, userAgent: 'A'.repeat(10_000) });
    const [event] = await audit.findRecent({ accountId });
    expect(event!.userAgent).toHaveLength(512);
  });

  it('findRecent for an account id that is not a uuid finds nothing instead of failing', async () => {
    await expect(audit.findRecent({ accountId: 'not-a-uuid' })).resolves.toEqual([]);
  });
});
