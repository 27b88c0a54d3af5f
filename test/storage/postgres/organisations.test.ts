// Organisations against the run's real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/storage/postgres/db.js';
import { createOrganisationsRepo, type OrganisationsRepo } from '../../../src/storage/postgres/organisations.js';
import { sharedDb, uniqueSuffix } from '../../support/storage-postgres.js';

let db: Db;
let orgs: OrganisationsRepo;
beforeAll(() => {
  db = sharedDb();
  orgs = createOrganisationsRepo(db);
});
afterAll(() => db.close());

describe('organisations', () => {
  it('saves and finds by slug', async () => {
    const slug = `org-${uniqueSuffix()}`;
    const saved = await orgs.save({ slug, name: 'Acme Ltd' });
    expect(saved).toMatchObject({ slug, name: 'Acme Ltd' });
    expect(saved.createdAt).toBeInstanceOf(Date);
    expect(await orgs.findBySlug(slug)).toEqual(saved);
  });

  it('saving an existing slug renames it and keeps its id', async () => {
    const slug = `org-${uniqueSuffix()}`;
    const first = await orgs.save({ slug, name: 'Old name' });
    const second = await orgs.save({ slug, name: 'New name' });
    expect(second.id).toBe(first.id);
    expect((await orgs.findBySlug(slug))?.name).toBe('New name');
  });

  it('refuses slugs that are not lower-case letters, digits and dashes', async () => {
    for (const slug of ['Upper', '-leading', 'with space', 'a'.repeat(64), '']) {
      await expect(orgs.save({ slug, name: 'x' }), slug).rejects.toThrow();
    }
  });

  it('answers undefined for unknown slugs, including ones Postgres cannot hold', async () => {
    expect(await orgs.findBySlug(`none-${uniqueSuffix()}`)).toBeUndefined();
    await expect(orgs.findBySlug('bad\u0000slug')).resolves.toBeUndefined();
  });
});
