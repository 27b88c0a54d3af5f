// Clients against the run's real Postgres: the secret is sealed at rest and bound to its
// client, and oidc-provider gets complete, stable metadata.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../../src/crypto/secret-box.js';
import type { Db } from '../../../src/storage/postgres/db.js';
import { createClientsRepo, type ClientsRepo } from '../../../src/storage/postgres/clients.js';
import { sharedDb, uniqueSuffix } from '../../support/storage-postgres.js';

let db: Db;
let clients: ClientsRepo;
const box = createSecretBox(randomBytes(32));

beforeAll(() => {
  db = sharedDb();
  clients = createClientsRepo(db, box);
});
afterAll(() => db.close());

const metadata = () => ({
  redirect_uris: ['https://rp.example/cb'],
  client_name: 'Example RP',
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'client_secret_basic',
});
const rawRow = async (clientId: string) => (await db.query<{ secret_sealed: string | null; metadata: Record<string, unknown> }>('SELECT * FROM clients WHERE client_id = $1', [clientId])).rows[0]!;

describe('clients', () => {
  it('stores the secret sealed: the plaintext is nowhere in the row', async () => {
    const clientId = `rp-${uniqueSuffix()}`;
    const secret = `s3cret-${randomBytes(24).toString('base64url')}`;
    await clients.save({ clientId, metadata: metadata(), firstParty: false, secret });
    const row = await rawRow(clientId);
    const everything = JSON.stringify(row);
    expect(row.secret_sealed).toMatch(/^v1\./);
    for (const encoding of ['utf8', 'base64', 'base64url', 'hex'] as const) {
      const form = Buffer.from(secret).toString(encoding);
      expect(everything, encoding).not.toContain(form.replace(/=+$/, ''));
    }
    expect(everything).not.toContain('s3cret');
  });

  it('findMetadata gives oidc-provider client_id, the opened secret and first_party, keys sorted', async () => {
    const clientId = `rp-${uniqueSuffix()}`;
    const secret = randomBytes(24).toString('base64url');
    await clients.save({ clientId, metadata: metadata(), firstParty: true, secret });
    const meta = await clients.findMetadata(clientId);
    expect(meta).toEqual({ ...metadata(), client_id: clientId, client_secret: secret, first_party: true });
    expect(Object.keys(meta!)).toEqual(Object.keys(meta!).sort());
  });

  it('strips client_id, client_secret and first_party from the stored metadata', async () => {
    const clientId = `rp-${uniqueSuffix()}`;
    await clients.save({
      clientId,
      metadata: { ...metadata(), client_id: 'someone-else', client_secret: 'plaintext-in-metadata', first_party: true },
      firstParty: false,
      secret: 'the-real-secret',
    });
    const row = await rawRow(clientId);
    expect(row.metadata).toEqual(metadata());
    expect(JSON.stringify(row)).not.toContain('plaintext-in-metadata');
    const meta = await clients.findMetadata(clientId);
    expect(meta).toMatchObject({ client_id: clientId, client_secret: 'the-real-secret', first_party: false });
  });

  it('save with secret undefined keeps the stored secret; null removes it', async () => {
    const clientId = `rp-${uniqueSuffix()}`;
    await clients.save({ clientId, metadata: metadata(), firstParty: false, secret: 'first-secret' });
    const sealed = (await rawRow(clientId)).secret_sealed;
    const updated = await clients.save({ clientId, metadata: { ...metadata(), client_name: 'Renamed' }, firstParty: true });
    expect(updated).toMatchObject({ clientId, hasSecret: true, firstParty: true, metadata: { client_name: 'Renamed' } });
    expect((await rawRow(clientId)).secret_sealed).toBe(sealed);
    expect(await clients.findMetadata(clientId)).toMatchObject({ client_secret: 'first-secret', client_name: 'Renamed', first_party: true });

    await clients.save({ clientId, metadata: { ...metadata(), token_endpoint_auth_method: 'none' }, firstParty: true, secret: null });
    expect((await clients.find(clientId))?.hasSecret).toBe(false);
    expect(await clients.findMetadata(clientId)).not.toHaveProperty('client_secret');
  });

  it('a new secret replaces the old one', async () => {
    const clientId = `rp-${uniqueSuffix()}`;
    await clients.save({ clientId, metadata: metadata(), firstParty: false, secret: 'old-secret' });
    await clients.save({ clientId, metadata: metadata(), firstParty: false, secret: 'new-secret' });
    expect((await clients.findMetadata(clientId))?.client_secret).toBe('new-secret');
  });

  it('a sealed secret copied to another client does not open there', async () => {
    const a = `rp-${uniqueSuffix()}`;
    const b = `rp-${uniqueSuffix()}`;
    await clients.save({ clientId: a, metadata: metadata(), firstParty: false, secret: 'secret-of-a' });
    await clients.save({ clientId: b, metadata: metadata(), firstParty: false, secret: 'secret-of-b' });
    await db.query('UPDATE clients SET secret_sealed = (SELECT secret_sealed FROM clients WHERE client_id = $1) WHERE client_id = $2', [a, b]);
    await expect(clients.findMetadata(b)).rejects.toThrow();
  });

  it('find and list describe a client without its secret', async () => {
    const clientId = `rp-${uniqueSuffix()}`;
    await clients.save({ clientId, metadata: metadata(), firstParty: false, secret: 'hidden-secret' });
    const record = await clients.find(clientId);
    expect(record).toMatchObject({ clientId, metadata: metadata(), firstParty: false, hasSecret: true });
    expect(record!.createdAt).toBeInstanceOf(Date);
    expect(JSON.stringify(record)).not.toContain('hidden-secret');
    expect(JSON.stringify(record)).not.toContain('v1.');
    const listed = (await clients.list()).find((c) => c.clientId === clientId);
    expect(listed).toEqual(record);
  });

  it('delete removes the client; a second delete reports false', async () => {
    const clientId = `rp-${uniqueSuffix()}`;
    await clients.save({ clientId, metadata: metadata(), firstParty: false, secret: 'x-secret' });
    expect(await clients.delete(clientId)).toBe(true);
    expect(await clients.find(clientId)).toBeUndefined();
    expect(await clients.findMetadata(clientId)).toBeUndefined();
    expect(await clients.delete(clientId)).toBe(false);
  });

  it('findMetadata answers undefined, without a database error, for any client_id a request can carry', async () => {
    // client_id comes straight from the authorization request or the token endpoint
    for (const clientId of ['', 'ab', 'x'.repeat(129), 'nul\u0000byte', 'has space', `unknown-${uniqueSuffix()}`]) {
      await expect(clients.findMetadata(clientId), JSON.stringify(clientId)).resolves.toBeUndefined();
      await expect(clients.find(clientId), JSON.stringify(clientId)).resolves.toBeUndefined();
    }
  });

  it('refuses to save a client_id outside the allowed alphabet', async () => {
    await expect(clients.save({ clientId: 'has space', metadata: metadata(), firstParty: false, secret: null })).rejects.toThrow();
  });
});
