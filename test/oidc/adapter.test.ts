// The oidc-provider adapter (src/oidc/adapter.ts) over both ShortLivedStore implementations:
// first its own contract (the verbs oidc-provider calls), then through oidc-provider's real
// models, so payload shapes, expiresIn and revocation are the ones the provider produces.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createSecretBox } from '../../src/crypto/secret-box.js';
import { createAdapterClass, type AdapterConstructor, type ClientSource } from '../../src/oidc/adapter.js';
import { connectTestRedis, memoryHarness, redisHarness, scanKeys, type StoreHarness } from '../support/storage-short-lived.js';

const id = () => randomBytes(12).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

const clientMetadata: Record<string, AdapterPayload> = {
  'app-1': { client_id: 'app-1', client_secret: 's3cret-s3cret-s3cret', redirect_uris: ['https://rp.example/cb'], first_party: true },
};
const clientSource: ClientSource & { calls: string[] } = {
  calls: [],
  async findMetadata(clientId) {
    this.calls.push(clientId);
    return clientMetadata[clientId];
  },
};

let redis: Redis;
let signingKey: JWK;
beforeAll(async () => {
  redis = connectTestRedis();
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  signingKey = { ...(await exportJWK(privateKey)), kid: 'test-es256', alg: 'ES256', use: 'sig' };
});
afterAll(async () => {
  await redis.quit();
});

describe.each([
  ['redis', () => redisHarness(redis)],
  ['memory', () => memoryHarness()],
] as const)('oidc-provider adapter over the %s store', (_name, makeHarness) => {
  const box = createSecretBox(randomBytes(32));
  let h: StoreHarness;
  let Adapter: AdapterConstructor;
  const adapter = (model: string): Adapter => new Adapter(model);

  beforeEach(() => {
    h = makeHarness();
    Adapter = createAdapterClass(h.store, clientSource, box);
  });
  afterEach(async () => {
    await h.close();
  });

  describe('upsert and find', () => {
    it.each(['Session', 'AccessToken', 'AuthorizationCode', 'RefreshToken', 'Grant', 'Interaction', 'ClientCredentials'])('round-trips a %s payload', async (model) => {
      const jti = id();
      const payload: AdapterPayload = { jti, kind: model, iat: now(), exp: now() + 60, accountId: 'acc-1', clientId: 'app-1', scope: 'openid email' };
      await adapter(model).upsert(jti, payload, 60);
      expect(await adapter(model).find(jti)).toEqual(payload);
      expect(await adapter(model).find(id())).toBeUndefined();
    });

    it('keeps models apart: the same id under another model is not found', async () => {
      const jti = id();
      await adapter('AccessToken').upsert(jti, { jti }, 60);
      expect(await adapter('RefreshToken').find(jti)).toBeUndefined();
      expect(await adapter('Session').find(jti)).toBeUndefined();
    });

    it('replaces a payload on a second upsert', async () => {
      const jti = id();
      await adapter('Session').upsert(jti, { jti, uid: 'u1', accountId: 'a' }, 60);
      await adapter('Session').upsert(jti, { jti, uid: 'u1', accountId: 'b' }, 60);
      expect(await adapter('Session').find(jti)).toMatchObject({ accountId: 'b' });
    });

    it('honours expiresIn: found until it runs out, gone after', async () => {
      const jti = id();
      await adapter('AccessToken').upsert(jti, { jti, grantId: 'g' }, 600);
      await h.elapse(599);
      expect(await adapter('AccessToken').find(jti)).toBeDefined();
      await h.elapse(1);
      expect(await adapter('AccessToken').find(jti)).toBeUndefined();
    });

    it('stores a payload without expiresIn without expiry', async () => {
      const jti = id();
      await adapter('Grant').upsert(jti, { jti }, undefined as unknown as number);
      await h.elapse(365 * 24 * 3600);
      expect(await adapter('Grant').find(jti)).toEqual({ jti });
    });
  });

  describe('consume', () => {
    it.each(['AuthorizationCode', 'RefreshToken', 'DeviceCode'])('marks a %s consumed, visible in find', async (model) => {
      const jti = id();
      await adapter(model).upsert(jti, { jti, grantId: 'g' }, 60);
      expect((await adapter(model).find(jti))?.consumed).toBeUndefined();
      const before = now();
      await adapter(model).consume(jti);
      const found = await adapter(model).find(jti);
      expect(found?.jti).toBe(jti);
      expect(found?.consumed).toBeGreaterThanOrEqual(before);
      expect(found?.consumed).toBeLessThanOrEqual(now());
    });

    it('keeps the expiry of a consumed token', async () => {
      const jti = id();
      await adapter('AuthorizationCode').upsert(jti, { jti }, 60);
      await h.elapse(30);
      await adapter('AuthorizationCode').consume(jti);
      await h.elapse(30);
      expect(await adapter('AuthorizationCode').find(jti)).toBeUndefined();
    });

    it('does nothing, and creates nothing, for an unknown or expired token', async () => {
      const missing = id();
      await adapter('RefreshToken').consume(missing);
      expect(await adapter('RefreshToken').find(missing)).toBeUndefined();

      const expired = id();
      await adapter('RefreshToken').upsert(expired, { jti: expired }, 10);
      await h.elapse(10);
      await adapter('RefreshToken').consume(expired);
      expect(await adapter('RefreshToken').find(expired)).toBeUndefined();
      await h.elapse(365 * 24 * 3600);
      expect(await adapter('RefreshToken').find(expired)).toBeUndefined();
    });
  });

  describe('secondary lookups', () => {
    it('findByUid finds a session by its uid, and not after it expired', async () => {
      const jti = id();
      const uid = id();
      await adapter('Session').upsert(jti, { jti, uid, accountId: 'acc' }, 300);
      expect(await adapter('Session').findByUid(uid)).toEqual({ jti, uid, accountId: 'acc' });
      expect(await adapter('Session').findByUid(id())).toBeUndefined();
      await h.elapse(300);
      expect(await adapter('Session').findByUid(uid)).toBeUndefined();
    });

    it('findByUid follows a session whose TTL slid forward', async () => {
      const jti = id();
      const uid = id();
      await adapter('Session').upsert(jti, { jti, uid }, 300);
      await h.elapse(200);
      await adapter('Session').upsert(jti, { jti, uid }, 300);
      await h.elapse(200);
      expect(await adapter('Session').findByUid(uid)).toEqual({ jti, uid });
    });

    it('findByUid works when oidc-provider calls it detached from the adapter object', async () => {
      const jti = id();
      const uid = id();
      await adapter('Session').upsert(jti, { jti, uid }, 300);
      const { findByUid } = adapter('Session');
      expect(await findByUid(uid)).toEqual({ jti, uid });
    });

    it('findByUserCode finds a device code by its user code', async () => {
      const jti = id();
      await adapter('DeviceCode').upsert(jti, { jti, userCode: 'BCDF-GHJK', grantId: 'g' }, 600);
      expect(await adapter('DeviceCode').findByUserCode('BCDF-GHJK')).toMatchObject({ jti, userCode: 'BCDF-GHJK' });
      expect(await adapter('DeviceCode').findByUserCode('XXXX-XXXX')).toBeUndefined();
    });

    it('an id shaped like an index key finds nothing (and does not fail)', async () => {
      // ids and tokens come from requests: one must not be able to address an index entry
      const uid = id();
      const sessionId = id();
      await adapter('Session').upsert(sessionId, { jti: sessionId, uid }, 300);
      const deviceCode = id();
      await adapter('DeviceCode').upsert(deviceCode, { jti: deviceCode, userCode: 'WXYZ-BCDF' }, 300);
      const token = id();
      await adapter('AccessToken').upsert(token, { jti: token, grantId: 'g-shape' }, 300);
      for (const [model, probe] of [
        ['Session', `uid:${uid}`],
        ['DeviceCode', 'userCode:WXYZ-BCDF'],
        ['AccessToken', '../grant:g-shape'],
      ] as const) {
        await expect(adapter(model).find(probe)).resolves.toBeUndefined();
        await expect(adapter(model).consume(probe)).resolves.toBeUndefined();
      }
      expect(await adapter('Session').findByUid(uid)).toEqual({ jti: sessionId, uid });
    });
  });

  describe('destroy and revokeByGrantId', () => {
    it('destroy removes the record and what its uid pointed to', async () => {
      const jti = id();
      const uid = id();
      await adapter('Session').upsert(jti, { jti, uid }, 300);
      await adapter('Session').destroy(jti);
      expect(await adapter('Session').find(jti)).toBeUndefined();
      expect(await adapter('Session').findByUid(uid)).toBeUndefined();
      await adapter('Session').destroy(id());
    });

    it('revokes every AccessToken, RefreshToken and AuthorizationCode of the grant and nothing else', async () => {
      const grant = id();
      const other = id();
      const mine = { AccessToken: [id(), id()], RefreshToken: [id()], AuthorizationCode: [id()], DeviceCode: [id()] };
      const theirs = { AccessToken: [id()], RefreshToken: [id()], AuthorizationCode: [id()] };
      for (const [model, ids] of Object.entries(mine)) for (const jti of ids) await adapter(model).upsert(jti, { jti, grantId: grant }, 600);
      for (const [model, ids] of Object.entries(theirs)) for (const jti of ids) await adapter(model).upsert(jti, { jti, grantId: other }, 600);
      const session = id();
      await adapter('Session').upsert(session, { jti: session, uid: id() }, 600);
      const clientCredentials = id();
      await adapter('ClientCredentials').upsert(clientCredentials, { jti: clientCredentials }, 600);
      await adapter('Grant').upsert(grant, { jti: grant }, 600);

      // oidc-provider calls it on each model class; any one of them revokes the whole grant
      await adapter('AccessToken').revokeByGrantId(grant);

      for (const [model, ids] of Object.entries(mine)) for (const jti of ids) expect(await adapter(model).find(jti), `${model} ${jti}`).toBeUndefined();
      for (const [model, ids] of Object.entries(theirs)) for (const jti of ids) expect(await adapter(model).find(jti), `${model} ${jti}`).toBeDefined();
      expect(await adapter('Session').find(session)).toBeDefined();
      expect(await adapter('ClientCredentials').find(clientCredentials)).toBeDefined();
      // the Grant itself is destroyed by oidc-provider through destroy(), not by revocation
      expect(await adapter('Grant').find(grant)).toBeDefined();

      for (const model of ['RefreshToken', 'AuthorizationCode', 'DeviceCode', 'BackchannelAuthenticationRequest']) {
        await adapter(model).revokeByGrantId(grant);
      }
    });

    it('still revokes a long-lived refresh token after the short-lived tokens of its grant expired', async () => {
      const grant = id();
      const code = id();
      const refresh = id();
      await adapter('AuthorizationCode').upsert(code, { jti: code, grantId: grant }, 60);
      await adapter('RefreshToken').upsert(refresh, { jti: refresh, grantId: grant }, 14 * 24 * 3600);
      await adapter('AccessToken').upsert(id(), { grantId: grant }, 600);
      await h.elapse(3600);
      await adapter('RefreshToken').revokeByGrantId(grant);
      expect(await adapter('RefreshToken').find(refresh)).toBeUndefined();
    });

    it('revoking an unknown grant is not an error', async () => {
      await adapter('AccessToken').revokeByGrantId(id());
    });
  });

  describe('Client model', () => {
    it('reads clients from the ClientSource on every find', async () => {
      clientSource.calls.length = 0;
      expect(await adapter('Client').find('app-1')).toEqual(clientMetadata['app-1']);
      expect(await adapter('Client').find('app-1')).toEqual(clientMetadata['app-1']);
      expect(await adapter('Client').find('nope')).toBeUndefined();
      expect(clientSource.calls).toEqual(['app-1', 'app-1', 'nope']);
    });

    it('refuses to write clients and does not touch the store', async () => {
      const c = adapter('Client');
      await expect(c.upsert('app-2', { client_id: 'app-2' }, 60)).rejects.toThrow(/Postgres/);
      await expect(c.destroy('app-1')).rejects.toThrow();
      await expect(c.consume('app-1')).rejects.toThrow();
      expect(await c.findByUid('x')).toBeUndefined();
      expect(await c.findByUserCode('x')).toBeUndefined();
      expect(await h.exists('oidc:Client:app-2')).toBe(false);
    });
  });

  describe("through oidc-provider's models", () => {
    let provider: Provider;
    let client: NonNullable<Awaited<ReturnType<Provider['Client']['find']>>>;
    const issued = (grantId: string) => ({ client, accountId: 'acc-1', grantId, gty: 'authorization_code', scope: 'openid' });

    beforeEach(async () => {
      provider = new Provider('http://127.0.0.1:1', {
        adapter: Adapter,
        jwks: { keys: [signingKey] },
        ttl: { AccessToken: 600, AuthorizationCode: 60, RefreshToken: 3600, Session: 300, Grant: 3600 },
        extraClientMetadata: { properties: ['first_party'] },
        clientDefaults: { id_token_signed_response_alg: 'ES256' },
        features: { devInteractions: { enabled: false } },
      });
      client = (await provider.Client.find('app-1'))!;
    });

    it('saves a token with the TTL of its model, finds it, and loses it when it expires', async () => {
      const value = await new provider.AccessToken(issued(id())).save();
      const found = await provider.AccessToken.find(value);
      expect(found).toMatchObject({ accountId: 'acc-1', clientId: 'app-1', scope: 'openid' });
      expect(found!.exp! - found!.iat!).toBe(600);
      await h.elapse(600);
      expect(await provider.AccessToken.find(value)).toBeUndefined();
    });

    it('a consumed authorization code is found as consumed', async () => {
      const value = await new provider.AuthorizationCode({ ...issued(id()), redirectUri: 'https://rp.example/cb' }).save();
      const found = await provider.AuthorizationCode.find(value);
      expect((found as unknown as { consumed?: number }).consumed).toBeUndefined();
      await found!.consume();
      const again = await provider.AuthorizationCode.find(value);
      expect((again as unknown as { consumed?: number }).consumed).toBeTypeOf('number');
    });

    it('revoking the grant through the model removes every token of that grant only', async () => {
      const grantId = id();
      const at = await new provider.AccessToken(issued(grantId)).save();
      const rt = await new provider.RefreshToken(issued(grantId)).save();
      const ac = await new provider.AuthorizationCode({ ...issued(grantId), redirectUri: 'https://rp.example/cb' }).save();
      const keep = await new provider.RefreshToken(issued(id())).save();
      await provider.AccessToken.revokeByGrantId(grantId);
      expect(await provider.AccessToken.find(at)).toBeUndefined();
      expect(await provider.RefreshToken.find(rt)).toBeUndefined();
      expect(await provider.AuthorizationCode.find(ac)).toBeUndefined();
      expect(await provider.RefreshToken.find(keep)).toBeDefined();
    });

    it('Session.findByUid finds a saved session', async () => {
      // @types/oidc-provider leaves out the payload and ttl arguments oidc-provider takes
      const Session = provider.Session as unknown as new (payload: object) => InstanceType<Provider['Session']> & { save(ttl: number): Promise<string> };
      const session = new Session({ accountId: 'acc-1', loginTs: now() });
      await session.save(300);
      const found = await provider.Session.findByUid(session.uid);
      expect(found?.accountId).toBe('acc-1');
      expect(found?.jti).toBe(session.jti);
    });

    it('Client.find reads the ClientSource', async () => {
      expect(client.clientId).toBe('app-1');
      expect(client.redirectUris).toEqual(['https://rp.example/cb']);
      expect(await provider.Client.find('nope')).toBeUndefined();
    });
  });
});

describe('at rest in Redis', () => {
  it('stores no token, code or session id in the clear, and finds them by the presented id', async () => {
    const redis = connectTestRedis();
    const h = redisHarness(redis);
    try {
      const Adapter = createAdapterClass(h.store, { findMetadata: async () => undefined }, createSecretBox(randomBytes(32)));
      const sessionId = randomBytes(32).toString('base64url');
      const uid = randomBytes(16).toString('base64url');
      const token = randomBytes(32).toString('base64url');
      await new Adapter('Session').upsert(sessionId, { jti: sessionId, uid, accountId: 'acc' }, 300);
      await new Adapter('AccessToken').upsert(token, { jti: token, grantId: 'g-secret', accountId: 'acc' }, 300);

      let everything = '';
      for (const key of await scanKeys(redis, `${h.prefix}*`)) {
        const type = await redis.type(key);
        const value = type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : type === 'set' ? JSON.stringify(await redis.smembers(key)) : await redis.get(key);
        everything += `${key} ${value}\n`;
      }
      expect(everything).toContain('acc');
      expect(everything).not.toContain(sessionId);
      expect(everything).not.toContain(token);

      expect(await new Adapter('Session').find(sessionId)).toMatchObject({ jti: sessionId, accountId: 'acc' });
      expect(await new Adapter('Session').findByUid(uid)).toMatchObject({ jti: sessionId, uid });
      expect(await new Adapter('AccessToken').find(token)).toMatchObject({ jti: token, grantId: 'g-secret' });
    } finally {
      await h.close();
      await redis.quit();
    }
  });
});
