// oidc-provider adapter over the ShortLivedStore (Redis or memory), plus Postgres for the
// Client model. Layout: `oidc:<Model>:<h(id)>` records; `oidc:grant:<grantId>` sets of every key
// issued under a grant (for revokeByGrantId); `oidc:<Model>:uid:<h(uid)>` and
// `oidc:<Model>:userCode:<h(code)>` pointers, each O(1); `oidc:account:<accountId>:sessions` and
// `…:grants` sets, so one account can be signed out everywhere (account-sessions.ts).
//
// Ids of opaque tokens, codes and sessions are bearer secrets (the session id is the cookie),
// so none is stored in the clear: keys carry their SHA-256 (h), the payload is stored without
// its `jti` (put back from the id the caller presents), and the pointers hold the id sealed
// with AES-256-GCM. Reading Redis therefore yields no usable token or session.
import { createHash } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ShortLivedStore } from '../storage/short-lived/store.js';

export interface ClientSource {
  /** oidc-provider client metadata (snake_case), or undefined for an unknown client */
  findMetadata(clientId: string): Promise<AdapterPayload | undefined>;
}

const h = (value: string) => createHash('sha256').update(value).digest('base64url');
const recordKey = (model: string, id: string) => `oidc:${model}:${h(id)}`;
const grantKey = (grantId: string) => `oidc:grant:${grantId}`;
const uidKey = (model: string, uid: string) => `oidc:${model}:uid:${h(uid)}`;
const userCodeKey = (model: string, userCode: string) => `oidc:${model}:userCode:${h(userCode)}`;
/**
 * every grant of one account: "sign out everywhere" deletes them, and with its grant every
 * access and refresh token is refused (oidc-provider checks the grant of a token on each use)
 */
export const accountGrantsKey = (accountId: string) => `oidc:account:${accountId}:grants`;
/** every session of one account: "sign out other sessions" */
export const accountSessionsKey = (accountId: string) => `oidc:account:${accountId}:sessions`;
/** the store key of a session record (to tell the current session apart in accountSessionsKey) */
export const sessionRecordKey = (sessionId: string) => recordKey('Session', sessionId);

/**
 * Models whose payload carries the grantId they were issued under (oidc-provider's own list);
 * revoking the grant deletes them. The Grant itself is removed by oidc-provider with destroy().
 */
const grantBound = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

export type AdapterConstructor = new (model: string) => Adapter;

export function createAdapterClass(store: ShortLivedStore, clients: ClientSource, box: SecretBox): AdapterConstructor {
  function modelAdapter(model: string): Adapter {
    const pointerContext = `oidc-pointer:${model}`;

    // a closure, not `this.find`: oidc-provider's callers are not bound to call it as a method
    async function find(id: string): Promise<AdapterPayload | undefined> {
      const record = await store.getRecord(recordKey(model, id));
      if (!record) return undefined;
      const stored = JSON.parse(record.value) as AdapterPayload;
      const payload = 'jti' in stored ? stored : { jti: id, ...stored };
      return record.consumedAt ? { ...payload, consumed: record.consumedAt } : payload;
    }

    async function followPointer(key: string): Promise<AdapterPayload | undefined> {
      const sealed = await store.get(key);
      if (!sealed) return undefined;
      let id: string;
      try {
        id = box.open(sealed, pointerContext);
      } catch {
        return undefined;
      }
      return find(id);
    }

    return {
      async upsert(id, payload, expiresIn) {
        const sets = grantBound.has(model) && payload.grantId ? [grantKey(payload.grantId)] : [];
        // two members per sign-in (its session and its grant), not one per token: a set lives as
        // long as its longest member, so an active account's set must stay small
        if (typeof payload.accountId === 'string') {
          if (model === 'Session') sets.push(accountSessionsKey(payload.accountId));
          if (model === 'Grant') sets.push(accountGrantsKey(payload.accountId));
        }
        const pointers: Array<[string, string]> = [];
        if (payload.uid) pointers.push([uidKey(model, payload.uid), box.seal(id, pointerContext)]);
        if (payload.userCode) pointers.push([userCodeKey(model, payload.userCode), box.seal(id, pointerContext)]);
        // oidc-provider passes a positive integer; anything else means "no expiry" is a bug upstream
        const ttl = expiresIn !== undefined && Number.isInteger(expiresIn) && expiresIn > 0 ? expiresIn : undefined;
        const { jti, ...rest } = payload;
        const stored = jti === id ? rest : payload;
        await store.putRecord(recordKey(model, id), JSON.stringify(stored), ttl, { pointers, sets });
      },

      find,

      findByUid: (uid) => followPointer(uidKey(model, uid)),

      findByUserCode: (userCode) => followPointer(userCodeKey(model, userCode)),

      async consume(id) {
        await store.consumeRecord(recordKey(model, id), Math.floor(Date.now() / 1000));
      },

      async destroy(id) {
        await store.del(recordKey(model, id));
      },

      async revokeByGrantId(grantId) {
        await store.deleteSetMembers(grantKey(grantId));
      },
    };
  }

  function clientAdapter(): Adapter {
    const readOnly = async () => {
      throw new Error('clients are managed in Postgres, not through oidc-provider');
    };
    return {
      find: (id) => clients.findMetadata(id),
      upsert: readOnly,
      findByUid: async () => undefined,
      findByUserCode: async () => undefined,
      consume: readOnly,
      destroy: readOnly,
      revokeByGrantId: async () => undefined,
    };
  }

  // oidc-provider instantiates the adapter with `new Adapter(modelName)`; returning an object
  // from the constructor keeps our implementation a plain closure.
  return function TwofoldAdapter(this: unknown, model: string) {
    return model === 'Client' ? clientAdapter() : modelAdapter(model);
  } as unknown as AdapterConstructor;
}
