// The process as an operator runs it: `npm start`'s entry point in a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createAccountsRepo } from '../src/storage/postgres/accounts.js';
import { createOrganisationsRepo } from '../src/storage/postgres/organisations.js';
import { createRememberedDevicesRepo } from '../src/storage/postgres/remembered-devices.js';
import { testSecrets, uniquePrefix } from './support/app.js';
import { eventually } from './support/eventually.js';
import { sharedDb, uniqueSuffix } from './support/storage-postgres.js';
import { createUserAgent } from './support/user-agent.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, ms = 40_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const m = pattern.exec(output);
      if (m) return m;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`did not see ${pattern} in:\n${output}`);
  };
  return { child, exited, waitFor, output: () => output };
}

const freePort = () => 20000 + Math.floor(Math.random() * 20000);

describe('process', () => {
  it('refuses to start with a message that names the wrong variable', async () => {
    const p = start({ PORT: 'eighty', SESSION_IDLE_SECONDS: '-5', DATABASE_URL: inject('databaseUrl') });
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/PORT/);
    expect(p.output()).toMatch(/SESSION_IDLE_SECONDS/);
    expect(p.output()).toMatch(/ENCRYPTION_KEY is required when DATABASE_URL is set/);
  });

  it('serves with real Postgres and Redis, reports ready, sweeps expired devices, and stops cleanly on SIGTERM', async () => {
    // a remembered device that expired two days ago, and a live one: the start's sweep takes the first only
    const db = sharedDb(1);
    const org = await createOrganisationsRepo(db).save({ slug: `main-${uniqueSuffix()}`, name: 'Main' });
    const account = (await createAccountsRepo(db).save({ organisationId: org.id, email: `main-${uniqueSuffix()}@example.com`, name: 'M', emailVerified: true, passwordHash: null }))!;
    const devices = createRememberedDevicesRepo(db);
    const device = async (expiresAt: number) => {
      const tokenHash = randomBytes(32).toString('base64url');
      await devices.save({ accountId: account.id, tokenHash, browser: 'Firefox', os: 'Linux', ip: '192.0.2.1', expiresAt: new Date(expiresAt) });
      return tokenHash;
    };
    const [expired, live] = [await device(Date.now() - 2 * 86_400_000), await device(Date.now() + 86_400_000)];

    const port = freePort();
    const p = start({ PORT: String(port), DATABASE_URL: inject('databaseUrl'), REDIS_URL: inject('redisUrl'), REDIS_PREFIX: uniquePrefix(), ...testSecrets });
    await p.waitFor(/Twofold is running: http:\/\/localhost:\d+/);
    try {
      expect(
        await eventually(
          () => devices.findByTokenHash(expired),
          (d) => d === undefined,
          10_000,
        ),
      ).toBeUndefined();
      expect(await devices.findByTokenHash(live)).toBeDefined();
    } finally {
      await db.close();
    }
    await p.waitFor(/"msg":"swept expired rows"/);
    expect(p.output()).toContain('using PostgreSQL from DATABASE_URL');
    expect(p.output()).toContain('using Redis from REDIS_URL');
    expect(p.output()).not.toContain('Demo user');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    // JSON log lines, no secrets
    const lines = p
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(p.output()).not.toContain(testSecrets.COOKIE_KEYS);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('"msg":"stopped"');
  });

  it('starts with zero setup: embedded Postgres, memory store, demo app that signs in', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'twofold-embedded-'));
    try {
      const port = freePort();
      const p = start({ PORT: String(port), DATA_DIR: dataDir });
      const [, email, password] = await p.waitFor(/Demo user:\s+(\S+) \/ (\S+)/, 60_000);
      expect(p.output()).toContain('using embedded PostgreSQL (PGlite)');
      expect(p.output()).toContain('keeping sessions and tokens in process memory');
      expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);

      // the demo relying party, driven like a browser
      const base = `http://localhost:${port}`;
      const ua = createUserAgent();
      const page = await ua.follow(`${base}/demo/login`);
      expect(page.body).toContain('name="password"');
      const done = await ua.submit(page, /\/login$/, { email: email!, password: password! });
      expect(done.url).toMatch(/\/demo\/callback\?/);
      expect(done.status).toBe(200);
      expect(done.body).toContain('Verified ID token claims');
      expect(done.body).toContain('&quot;amr&quot;: [\n    &quot;pwd&quot;\n  ]');
      // the demo user is an administrator: the console asks them to set up a second factor first
      expect(p.output()).toContain(`Admin console:      ${base}/admin`);
      const admin = await ua.follow(`${base}/admin`);
      expect(admin.body).toContain('Set up two-step verification');
      expect(admin.body).not.toContain('this account is not an administrator');
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);

      // a second start reuses the data: same demo password, nothing re-created
      const again = start({ PORT: String(port + 1), DATA_DIR: dataDir });
      const [, , password2] = await again.waitFor(/Demo user:\s+(\S+) \/ (\S+)/, 60_000);
      expect(password2).toBe(password);
      expect(again.output()).not.toContain('database migrations applied');
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
