// parseConfig: defaults, one message per wrong variable that names it, secrets never echoed.
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultSmsCountries, parseConfig } from '../../src/config/schema.js';

const key = Buffer.alloc(32, 9).toString('base64');
const cookie = 'c'.repeat(40);
const external = { DATABASE_URL: 'postgres://twofold@db:5432/twofold', ENCRYPTION_KEY: key, COOKIE_KEYS: cookie };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('Invalid configuration');
    return (err as ConfigError).problems;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  it('runs on defaults: embedded Postgres, memory store, demo on, generated secrets to come', () => {
    const c = parseConfig({});
    expect(c).toEqual({
      port: 3000,
      host: '127.0.0.1',
      issuer: 'http://localhost:3000',
      secureCookies: false,
      trustProxy: false,
      logLevel: 'info',
      postgres: { mode: 'embedded', dataDir: '.twofold', poolMax: 1 },
      redis: { mode: 'memory', prefix: 'twofold:' },
      dataDir: '.twofold',
      encryptionKey: undefined,
      cookieKeys: undefined,
      session: { idleSeconds: 300, maxSeconds: 43200 },
      ttl: { accessToken: 600, idToken: 3600, refreshToken: 1209600 },
      keyRefreshSeconds: 60,
      secondFactor: { maxWrongCodes: 7, codeTtlSeconds: 90, resendCooldownSeconds: 30, codesPerHour: 10 },
      demo: true,
      mail: { smtpUrl: undefined, from: 'Twofold <no-reply@localhost>', fromAddress: 'no-reply@localhost' },
      sms: { httpUrl: undefined, authorization: undefined, timeoutMs: 5000, countries: defaultSmsCountries },
      outbox: true,
    });
  });

  it('reads every variable', () => {
    const c = parseConfig({
      ...external,
      PORT: '8080',
      HOST: '0.0.0.0',
      ISSUER: 'https://id.example.com/',
      PG_POOL_MAX: '20',
      REDIS_URL: 'redis://cache:6379',
      REDIS_PREFIX: 'tf:',
      SESSION_IDLE_SECONDS: '600',
      SESSION_MAX_SECONDS: '3600',
      ACCESS_TOKEN_TTL_SECONDS: '300',
      ID_TOKEN_TTL_SECONDS: '900',
      REFRESH_TOKEN_TTL_SECONDS: '86400',
      KEY_REFRESH_SECONDS: '30',
      TRUST_PROXY: 'true',
      DEMO: 'no',
      LOG_LEVEL: 'warn',
      DATA_DIR: '/var/lib/twofold',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      issuer: 'https://id.example.com',
      secureCookies: true,
      trustProxy: true,
      logLevel: 'warn',
      postgres: { mode: 'external', url: external.DATABASE_URL, poolMax: 20 },
      redis: { mode: 'external', url: 'redis://cache:6379', prefix: 'tf:' },
      cookieKeys: [cookie],
      session: { idleSeconds: 600, maxSeconds: 3600 },
      ttl: { accessToken: 300, idToken: 900, refreshToken: 86400 },
      keyRefreshSeconds: 30,
      demo: false,
    });
    expect(c.encryptionKey).toEqual(Buffer.alloc(32, 9));
  });

  it('gives the embedded PGlite one connection whatever PG_POOL_MAX says', () => {
    // one PGlite session: more connections interleave their protocol messages (see embedded.test.ts)
    expect(parseConfig({ PG_POOL_MAX: '20' }).postgres).toEqual({ mode: 'embedded', dataDir: '.twofold', poolMax: 1 });
    expect(parseConfig({ ...external, PG_POOL_MAX: '20' }).postgres.poolMax).toBe(20);
  });

  it('turns the demo off by default with an external database', () => {
    expect(parseConfig(external).demo).toBe(false);
    expect(parseConfig({ ...external, DEMO: 'true' }).demo).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ PORT: '', LOG_LEVEL: '', ISSUER: undefined }).port).toBe(3000);
  });

  it('splits COOKIE_KEYS newest first, trimming spaces and empty entries', () => {
    const newer = 'n'.repeat(32);
    expect(parseConfig({ ...external, COOKIE_KEYS: ` ${newer} ,, ${cookie} ,` }).cookieKeys).toEqual([newer, cookie]);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '0'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['ISSUER', 'not a url'],
    ['ISSUER', 'ftp://id.example.com'],
    ['ISSUER', 'https://id.example.com/?tenant=1'],
    ['ISSUER', 'https://id.example.com/#x'],
    ['DATABASE_URL', 'mysql://db/twofold'],
    ['PG_POOL_MAX', '0'],
    ['PG_POOL_MAX', '500'],
    ['REDIS_URL', 'http://cache:6379'],
    ['REDIS_PREFIX', 'has space'],
    ['ENCRYPTION_KEY', 'too-short'],
    ['ENCRYPTION_KEY', Buffer.alloc(16).toString('base64')],
    ['ENCRYPTION_KEY', Buffer.alloc(32).toString('hex')],
    ['COOKIE_KEYS', 'short'],
    ['COOKIE_KEYS', `${cookie},short`],
    ['SESSION_IDLE_SECONDS', '-1'],
    ['SESSION_MAX_SECONDS', 'ten'],
    ['ACCESS_TOKEN_TTL_SECONDS', '0'],
    ['ID_TOKEN_TTL_SECONDS', '1.5'],
    ['REFRESH_TOKEN_TTL_SECONDS', '99999999999999999999'],
    ['KEY_REFRESH_SECONDS', 'soon'],
    ['TRUST_PROXY', 'maybe'],
    ['DEMO', 'sure'],
    ['LOG_LEVEL', 'loud'],
  ] as const)('%s=%s is refused with a message that names the variable', (name, value) => {
    const problems = problemsOf({ ...external, [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', DATABASE_URL: external.DATABASE_URL });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['COOKIE_KEYS', 'ENCRYPTION_KEY', 'LOG_LEVEL', 'PORT']);
  });

  it('requires ENCRYPTION_KEY and COOKIE_KEYS when DATABASE_URL is set', () => {
    const problems = problemsOf({ DATABASE_URL: external.DATABASE_URL });
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.startsWith('ENCRYPTION_KEY '))).toMatch(/required when DATABASE_URL/);
    expect(problems.find((p) => p.startsWith('COOKIE_KEYS '))).toMatch(/required when DATABASE_URL/);
    expect(problemsOf({ DATABASE_URL: external.DATABASE_URL, ENCRYPTION_KEY: key })).toEqual([expect.stringMatching(/^COOKIE_KEYS /)]);
    expect(problemsOf({ DATABASE_URL: external.DATABASE_URL, COOKIE_KEYS: cookie })).toEqual([expect.stringMatching(/^ENCRYPTION_KEY /)]);
    // without DATABASE_URL they are generated in the data directory instead
    expect(parseConfig({}).encryptionKey).toBeUndefined();
  });

  it('requires SESSION_MAX_SECONDS >= SESSION_IDLE_SECONDS', () => {
    expect(problemsOf({ SESSION_IDLE_SECONDS: '600', SESSION_MAX_SECONDS: '599' })).toEqual([expect.stringMatching(/^SESSION_MAX_SECONDS .*SESSION_IDLE_SECONDS/)]);
    expect(parseConfig({ SESSION_IDLE_SECONDS: '600', SESSION_MAX_SECONDS: '600' }).session).toEqual({ idleSeconds: 600, maxSeconds: 600 });
    // the default maximum (12 h) against a longer idle limit
    expect(problemsOf({ SESSION_IDLE_SECONDS: String(13 * 3600) })).toEqual([expect.stringMatching(/^SESSION_MAX_SECONDS /)]);
  });

  it('never echoes a secret, even a wrong one', () => {
    const secrets = {
      ENCRYPTION_KEY: 'hunter2-not-base64-!!',
      COOKIE_KEYS: 'hunter3-too-short',
      DATABASE_URL: 'mysql://admin:hunter4@db/x',
      REDIS_URL: 'http://:hunter5@cache:6379',
      ISSUER: 'https://admin:hunter6@id.example.com/',
    };
    const problems = problemsOf(secrets);
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['COOKIE_KEYS', 'DATABASE_URL', 'ENCRYPTION_KEY', 'ISSUER', 'REDIS_URL']);
    const text = problems.join('\n');
    for (const word of ['hunter2', 'hunter3', 'hunter4', 'hunter5', 'hunter6']) expect(text).not.toContain(word);
  });

  it('marks cookies secure for an https issuer and drops trailing slashes from the issuer', () => {
    expect(parseConfig({ ISSUER: 'https://id.example.com/tenant//' })).toMatchObject({ issuer: 'https://id.example.com/tenant', secureCookies: true });
    expect(parseConfig({ ISSUER: 'http://127.0.0.1:3000' })).toMatchObject({ issuer: 'http://127.0.0.1:3000', secureCookies: false });
    expect(parseConfig({ PORT: '4000' }).issuer).toBe('http://localhost:4000');
  });
});
