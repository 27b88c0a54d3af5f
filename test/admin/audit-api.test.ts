// /admin/v1/audit: filters (account, organisation, type, time range), newest first, pages; an
// org admin sees only the events of their own organisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/fixtures.js';
import { adminApi, clientCredentialsToken, createAdminMachineClient, userAdminToken, type ApiCall } from './admin-client.js';

let app: TestApp;
let adminToken: string;
const api = (method: string, path: string, opts?: ApiCall) => adminApi(app, () => adminToken)(method, path, opts);

beforeAll(async () => {
  app = await startTestApp();
  adminToken = await clientCredentialsToken(app, await createAdminMachineClient(app));
});
afterAll(() => app?.close());

describe('audit log', () => {
  it('filters by account and type, newest first, in pages', async () => {
    const user = await createUser(app.services);
    for (const reason of ['one', 'two', 'three']) await app.services.audit.record({ type: 'signin.failed', accountId: user.id, details: { reason } });
    await app.services.audit.record({ type: 'logout', accountId: user.id });

    const failed = await api('GET', `/audit?account_id=${user.id}&type=signin.failed&limit=2`);
    expect(failed.status).toBe(200);
    expect(failed.json!['items'].map((e: { details: { reason: string } }) => e.details.reason)).toEqual(['three', 'two']);
    const rest = await api('GET', `/audit?account_id=${user.id}&type=signin.failed&limit=2&cursor=${failed.json!['next_cursor']}`);
    expect(rest.json).toMatchObject({ items: [{ details: { reason: 'one' } }], next_cursor: null });

    const both = await api('GET', `/audit?account_id=${user.id}&type=signin.failed,logout`);
    expect(both.json!['items']).toHaveLength(4);
    expect(both.json!['items'][0]).toMatchObject({ type: 'logout', account_id: user.id });
  });

  it('filters by time range and by organisation', async () => {
    const user = await createUser(app.services);
    await app.services.audit.record({ type: 'logout', accountId: user.id });
    const now = Date.now();
    const within = await api('GET', `/audit?organisation_id=${user.organisationId}&from=${new Date(now - 60_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`);
    expect(within.json!['items'].map((e: { account_id: string }) => e.account_id)).toEqual([user.id]);
    const before = await api('GET', `/audit?organisation_id=${user.organisationId}&to=${new Date(now - 3_600_000).toISOString()}`);
    expect(before.json!['items']).toEqual([]);
  });

  it("shows an org admin their own organisation's events only", async () => {
    const { token, user: orgAdmin } = await userAdminToken(app, ['org_admin']);
    const stranger = await createUser(app.services);
    await app.services.audit.record({ type: 'logout', accountId: stranger.id });
    const mine = await api('GET', '/audit?limit=200', { token });
    expect(mine.json!['items'].length).toBeGreaterThan(0);
    expect(mine.json!['items'].every((e: { account_id: string }) => e.account_id === orgAdmin.id)).toBe(true);
    expect((await api('GET', `/audit?account_id=${stranger.id}`, { token })).json!['items']).toEqual([]);
    expect((await api('GET', `/audit?organisation_id=${stranger.organisationId}`, { token })).json!['items']).toEqual([]);
  });

  it('refuses bad filters field by field', async () => {
    const bad = await api('GET', '/audit?account_id=nope&from=yesterday&type=DROP%20TABLE&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.json!['fields']).toEqual({ account_id: [expect.any(String)], from: [expect.any(String)], type: [expect.any(String)], '(body)': [expect.stringContaining('colour')] });
    expect((await api('GET', '/audit?cursor=abc')).status).toBe(400);
  });
});
