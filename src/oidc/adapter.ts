// oidc-provider adapter over the ShortLivedStore (Redis or memory), plus Postgres for the
// Client model. Layout: `oidc:<Model>:<id>` records; `oidc:grant:<grantId>` sets of every key
// issued under a grant (for revokeByGrantId); `oidc:<Model>:uid:<uid>` and
// `oidc:<Model>:userCode:<code>` pointers, each O(1). An id taken from a request can name a
// pointer key (`find('uid:…')`); the store answers "no record" for a key that holds none.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ShortLivedStore } from '../storage/short-lived/store.js';

export interface ClientSource {
  /** oidc-provider client metadata (snake_case), or undefined for an unknown client */
  findMetadata(clientId: string): Promise<AdapterPayload | undefined>;
}

const recordKey = (model: string, id: string) => `oidc:${model}:${id}`;
const grantKey = (grantId: string) => `oidc:grant:${grantId}`;
const uidKey = (model: string, uid: string) => `oidc:${model}:uid:${uid}`;
const userCodeKey = (model: string, userCode: string) => `oidc:${model}:userCode:${userCode}`;

/**
 * Models whose payload carries the grantId they were issued under (oidc-provider's own list);
 * revoking the grant deletes them. The Grant itself is removed by oidc-provider with destroy().
 */
const grantBound = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

export type AdapterConstructor = new (model: string) => Adapter;

export function createAdapterClass(store: ShortLivedStore, clients: ClientSource): AdapterConstructor {
  function modelAdapter(model: string): Adapter {
    // a closure, not `this.find`: oidc-provider's callers are not bound to call it as a method
    async function find(id: string): Promise<AdapterPayload | undefined> {
      const record = await store.getRecord(recordKey(model, id));
      if (!record) return undefined;
      const payload = JSON.parse(record.value) as AdapterPayload;
      return record.consumedAt ? { ...payload, consumed: record.consumedAt } : payload;
    }

    return {
      async upsert(id, payload, expiresIn) {
        const sets = grantBound.has(model) && payload.grantId ? [grantKey(payload.grantId)] : [];
        const pointers: Array<[string, string]> = [];
        if (payload.uid) pointers.push([uidKey(model, payload.uid), id]);
        if (payload.userCode) pointers.push([userCodeKey(model, payload.userCode), id]);
        // oidc-provider passes a positive integer; anything else means "no expiry" is a bug upstream
        const ttl = expiresIn !== undefined && Number.isInteger(expiresIn) && expiresIn > 0 ? expiresIn : undefined;
        await store.putRecord(recordKey(model, id), JSON.stringify(payload), ttl, { pointers, sets });
      },

      find,

      async findByUid(uid) {
        const id = await store.get(uidKey(model, uid));
        return id ? find(id) : undefined;
      },

      async findByUserCode(userCode) {
        const id = await store.get(userCodeKey(model, userCode));
        return id ? find(id) : undefined;
      },

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
