// The bench's own database and Redis prefix, and the data it needs: created and migrated at
// the start, removed at the end (also after a failure), like test/support/global-setup.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { generateSecret } from 'otplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createSecretBox, type SecretBox } from '../src/crypto/secret-box.js';
import { totpSecretContext } from '../src/factors/totp/totp-secret.js';
import { createLogger } from '../src/log.js';
import { argon2Params } from '../src/passwords/hasher.js';
import { createAccountsRepo } from '../src/storage/postgres/accounts.js';
import { createClientsRepo } from '../src/storage/postgres/clients.js';
import { createDb, type Queryable } from '../src/storage/postgres/db.js';
import { migrate } from '../src/storage/postgres/migrate.js';
import { createOrganisationsRepo } from '../src/storage/postgres/organisations.js';
import { scanKeys } from './redis-memory.js';

const adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = 'redis://127.0.0.1:6379';

export interface BenchEnvironment {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  redis: Redis;
  /** what a Twofold child needs in its environment */
  serverEnv: Record<string, string>;
  postgresVersion: string;
  redisVersion: string;
  remove(): Promise<void>;
}

export async function createBenchEnvironment(): Promise<BenchEnvironment> {
  const id = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dbName = `twofold_bench_${id}`;
  const redisPrefix = `twofold-bench:${id}:`;
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${dbName}`;

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const postgresVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();

  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const removeAll = async () => {
    const keys = await scanKeys(redis, redisPrefix);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    await redis.quit();
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await client.end();
  };

  try {
    await migrate(databaseUrl.href, createLogger('silent'));
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
    return {
      databaseUrl: databaseUrl.href,
      redisUrl,
      redisPrefix,
      redis,
      serverEnv: {
        DATABASE_URL: databaseUrl.href,
        REDIS_URL: redisUrl,
        REDIS_PREFIX: redisPrefix,
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        COOKIE_KEYS: randomBytes(32).toString('base64url'),
      },
      postgresVersion,
      redisVersion,
      remove: removeAll,
    };
  } catch (err) {
    await removeAll();
    throw err;
  }
}

export interface TotpUser {
  id: string;
  email: string;
  password: string;
  /** base32, what an authenticator app holds */
  totpSecret: string;
}

/**
 * Users with an authenticator app (a confirmed TOTP factor) and no recovery codes, so the
 * factor page comes straight after the password (no method chooser). Inserted in two
 * statements: the accounts share the password hash, each factor's secret is sealed with the
 * server's key and bound to the factor id, as src/factors/totp-secret.ts wants.
 */
async function seedTotpUsers(db: Queryable, box: SecretBox, organisationId: string, passwordHash: string, password: string, count: number): Promise<TotpUser[]> {
  const emails = Array.from({ length: count }, (_, i) => `bench-totp-${i}@example.com`);
  const { rows } = await db.query<{ id: string; email: string }>(
    `INSERT INTO accounts (organisation_id, email, name, email_verified, password_hash, password_changed_at)
     SELECT $1, email, 'Bench TOTP User', true, $2, now() FROM unnest($3::text[]) AS t(email)
     RETURNING id, email`,
    [organisationId, passwordHash, emails],
  );
  if (rows.length !== count) throw new Error(`seeding TOTP users: inserted ${rows.length} of ${count}`);
  const users = rows.map((r) => ({ id: r.id, email: r.email, password, totpSecret: generateSecret({ length: 20 }), factorId: randomUUID() }));
  await db.query(
    `INSERT INTO factors (id, account_id, kind, label, secret_sealed)
     SELECT id, account_id, 'totp', 'Bench', secret_sealed FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(id, account_id, secret_sealed)`,
    [users.map((u) => u.factorId), users.map((u) => u.id), users.map((u) => box.seal(u.totpSecret, totpSecretContext(u.factorId)))],
  );
  return users.map(({ id, email, totpSecret }) => ({ id, email, password, totpSecret }));
}

/**
 * Users (one per virtual user, same password), users with an authenticator app (`totpUsers`:
 * a time step is accepted once per factor, so TOTP sign-ins need many), a confidential
 * first-party app, a service client.
 */
export async function seed(env: BenchEnvironment, users: number, totpUsers: number) {
  const db = createDb(env.databaseUrl, 2);
  try {
    const box = createSecretBox(Buffer.from(env.serverEnv.ENCRYPTION_KEY!, 'base64'));
    const clients = createClientsRepo(db, box);
    const accounts = createAccountsRepo(db);
    const org = await createOrganisationsRepo(db).save({ slug: 'bench', name: 'Bench' });
    const password = randomBytes(12).toString('base64url');
    const passwordHash = await hash(password, argon2Params); // one hash: verifying costs the same for each user
    const seeded = [];
    for (let i = 0; i < users; i++) {
      const account = await accounts.save({ organisationId: org.id, email: `bench-${i}@example.com`, name: `Bench User ${i}`, emailVerified: true, passwordHash });
      seeded.push({ id: account!.id, email: account!.email, password });
    }
    const totp = await seedTotpUsers(db, box, org.id, passwordHash, password, totpUsers);

    const app = { clientId: 'bench-app', clientSecret: randomBytes(24).toString('base64url'), redirectUri: 'http://127.0.0.1:1/callback' };
    await clients.save({
      clientId: app.clientId,
      secret: app.clientSecret,
      firstParty: true,
      metadata: {
        client_name: 'Bench App',
        redirect_uris: [app.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    });
    const service = { clientId: 'bench-service', clientSecret: randomBytes(24).toString('base64url') };
    await clients.save({
      clientId: service.clientId,
      secret: service.clientSecret,
      firstParty: false,
      metadata: { client_name: 'Bench Service', redirect_uris: [], grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'client_secret_basic' },
    });
    return { users: seeded, totpUsers: totp, app, service };
  } finally {
    await db.close();
  }
}
