// /metrics end to end: refused without the token, then the figures of a real sign-in, a wrong
// password, a lockout-free failure, an e-mail, token endpoint timings, and Postgres errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { withDbMetrics } from '../../src/metrics/storage-metrics.js';
import { createDb } from '../../src/storage/postgres/db.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, type oidc, signIn, submitPassword } from '../support/relying-party.js';
import { createUserAgent } from '../support/user-agent.js';

const token = 'metrics-token-for-the-test-0123456789abcdef';
let app: TestApp;
let client: TestClient;
let rp: oidc.Configuration;

beforeAll(async () => {
  app = await startTestApp({ env: { METRICS_TOKEN: token } });
  client = await createClient(app.services);
  rp = await discover(app.url, client);
});
afterAll(() => app?.close());

const scrape = async () => {
  const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
};
/** the value of one series, 0 when it is not there yet */
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

describe('/metrics', () => {
  it('answers only with the bearer token, in constant time, and never with a 500', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await wrong.json()).toMatchObject({ error: 'invalid_token' });
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    const text = await scrape();
    expect(text).toContain('# TYPE twofold_signins_total counter');
    expect(text).toContain('twofold_process_cpu_seconds_total');
    expect(value(text, 'twofold_storage_errors_total{store="redis"}')).toBe(0);
  });

  it('counts sign-ins by result and method, failures, e-mails and token requests', async () => {
    const before = await scrape();
    const user = await createUser(app.services);
    await signIn(createUserAgent(), rp, client, user);
    // a wrong password
    const ua = createUserAgent();
    const request = await authorizationRequest(rp, client);
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    const failed = await submitPassword(ua, page, user.email, 'not the password', client.redirectUri);
    expect(failed.status).toBe(401);
    await app.services.mailer.send({ to: user.email, subject: 's', text: 't', html: '<p>t</p>', category: 'sign-in-code' });
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('twofold_signins_total{result="succeeded",method="pwd",step="signin"}')).toBe(1);
    expect(delta('twofold_signins_total{result="failed",method="password",step="password"}')).toBe(1);
    expect(delta('twofold_deliveries_total{channel="email",category="sign-in-code",result="sent"}')).toBe(1);
    expect(delta('twofold_token_request_duration_seconds_count{status="200"}')).toBe(1);
    // no account, address or e-mail in any label
    expect(after).not.toContain(user.email);
    expect(after).not.toContain(user.id);
  });

  it('counts a Postgres query that cannot reach the server, not one the server refuses', async () => {
    const before = value(await scrape(), 'twofold_storage_errors_total{store="postgres"}');
    await expect(app.services.db.query('SELECT * FROM no_such_table')).rejects.toThrow();
    expect(value(await scrape(), 'twofold_storage_errors_total{store="postgres"}')).toBe(before);
    // a pool whose server is not there: every query is a storage error
    const metrics = createMetrics();
    const gone = withDbMetrics(createDb('postgres://postgres@127.0.0.1:1/none', 1), metrics);
    await expect(gone.query('SELECT 1')).rejects.toThrow();
    await expect(gone.transaction((tx) => tx.query('SELECT 1'))).rejects.toThrow();
    await gone.close();
    expect((await metrics.storageErrors.get()).values.find((v) => v.labels.store === 'postgres')?.value).toBe(2);
  });
});

describe('/metrics without METRICS_TOKEN', () => {
  it('is not served', async () => {
    const plain = await startTestApp();
    try {
      const res = await fetch(`${plain.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
