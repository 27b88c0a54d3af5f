// Organisations against the run's real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/storage/postgres/db.js';
import { createOrganisationsRepo, type OrganisationsRepo } from '../../../src/storage/postgres/organisations.js';
import { defaultPolicy, twoFactorEnforced } from '../../../src/organisations/policy.js';
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

  it('starts with the default 2FA policy and changes only the fields given', async () => {
    const org = await orgs.save({ slug: `org-${uniqueSuffix()}`, name: 'Policy Ltd' });
    expect(org.policy).toEqual(defaultPolicy);
    const from = new Date('2027-07-01T00:00:00Z');
    const changed = await orgs.savePolicy(org.id, { mode: 'required', mandatoryFrom: from, allowedMethods: ['totp', 'email'], rememberDeviceDays: 0 });
    expect(changed?.policy).toEqual({ ...defaultPolicy, mode: 'required', mandatoryFrom: from, allowedMethods: ['totp', 'email'], rememberDeviceDays: 0 });
    const again = await orgs.savePolicy(org.id, { rememberIpRule: 'prefix' });
    expect(again?.policy).toMatchObject({ mode: 'required', mandatoryFrom: from, rememberIpRule: 'prefix' });
    // mandatoryFrom: null clears the date; leaving it out keeps it
    expect((await orgs.savePolicy(org.id, { mandatoryFrom: null }))?.policy.mandatoryFrom).toBeNull();
    expect(await orgs.findById(org.id)).toEqual(await orgs.findBySlug(org.slug));
  });

  it('refuses a policy the schema cannot hold, and unknown ids', async () => {
    const org = await orgs.save({ slug: `org-${uniqueSuffix()}`, name: 'Bad Policy Ltd' });
    await expect(orgs.savePolicy(org.id, { allowedMethods: [] })).rejects.toThrow();
    await expect(orgs.savePolicy(org.id, { rememberDeviceDays: 91 })).rejects.toThrow();
    expect(await orgs.savePolicy('00000000-0000-0000-0000-000000000000', { mode: 'off' })).toBeUndefined();
    expect(await orgs.findById('not-a-uuid')).toBeUndefined();
  });

  it('enforces 2FA only when required and from the mandatory-from date', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    expect(twoFactorEnforced({ ...defaultPolicy, mode: 'optional' }, now)).toBe(false);
    expect(twoFactorEnforced({ ...defaultPolicy, mode: 'required' }, now)).toBe(true);
    expect(twoFactorEnforced({ ...defaultPolicy, mode: 'required', mandatoryFrom: new Date('2027-01-02T00:00:00Z') }, now)).toBe(false);
    expect(twoFactorEnforced({ ...defaultPolicy, mode: 'required', mandatoryFrom: now }, now)).toBe(true);
  });
});
