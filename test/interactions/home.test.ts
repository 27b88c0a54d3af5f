// The issuer root `/` of a real Twofold answers a person: links to My profile and the discovery
// document always, to the demo and the outbox only when they are served — and every link works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { throwawayDatabase, type ThrowawayDatabase } from '../support/storage-postgres.js';

// the demo registers fixed client names: a database of our own
let db: ThrowawayDatabase;
beforeAll(async () => {
  db = await throwawayDatabase({ migrated: true });
});
afterAll(async () => {
  await db?.drop();
});

const links = (html: string) => [...html.matchAll(/<a href="([^"]+)" id="(home-[a-z]+)"/g)].map((m) => ({ href: m[1]!, id: m[2]! }));

describe('the issuer root', () => {
  let plain: TestApp;
  let demo: TestApp;
  beforeAll(async () => {
    plain = await startTestApp({ env: { DATABASE_URL: db.url, OUTBOX: 'false' } });
    demo = await startTestApp({ env: { DATABASE_URL: db.url, OUTBOX: 'true' }, demo: true });
  });
  afterAll(async () => {
    await plain?.close();
    await demo?.close();
  });

  it('links to My profile and discovery, not to a demo or an outbox that is not served', async () => {
    const res = await fetch(`${plain.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<h1>Twofold sign-in</h1>');
    expect(links(html).map((l) => l.id)).toEqual(['home-profile', 'home-discovery']);
    const discovery = links(html).find((l) => l.id === 'home-discovery')!.href;
    expect(discovery).toBe(`${plain.url}/.well-known/openid-configuration`);
    const doc = (await (await fetch(discovery)).json()) as { issuer: string };
    expect(doc.issuer).toBe(plain.url);
    // My profile starts a sign-in through its own client: a redirect, not an error
    const profile = await fetch(`${plain.url}/account`, { redirect: 'manual' });
    expect([302, 303]).toContain(profile.status);
  });

  it('links to the demo and the outbox when they are on, and both answer', async () => {
    const html = await (await fetch(`${demo.url}/`)).text();
    const found = links(html);
    expect(found.map((l) => l.id)).toEqual(['home-profile', 'home-demo', 'home-outbox', 'home-discovery']);
    for (const id of ['home-demo', 'home-outbox']) {
      const res = await fetch(`${demo.url}${found.find((l) => l.id === id)!.href}`);
      expect(res.status, id).toBe(200);
    }
  });

  it('speaks the language asked for', async () => {
    const res = await fetch(`${plain.url}/`, { headers: { 'accept-language': 'de-DE,de;q=0.9' } });
    expect(res.headers.get('content-language')).toBe('de');
    expect(await res.text()).toContain('<h1>Twofold-Anmeldung</h1>');
  });

  it('answers only GET and HEAD; a POST to / is not a page of ours', async () => {
    expect((await fetch(`${plain.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${plain.url}/`, { method: 'POST' })).status).toBe(404);
  });
});
