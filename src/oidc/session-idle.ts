// Each organisation may set its own idle limit for signed-in sessions (session_idle_seconds).
// oidc-provider asks for a session's lifetime synchronously (ttl.Session gets the session, not
// its organisation), so the limit must be known before it asks: the adapter calls prepare() for
// the account of every Session and Interaction it reads (withSessionIdleLimits), which is always
// before oidc-provider saves that session, and secondsFor() then answers from memory.
//
// Accounts never change organisation, so account → organisation is kept for good (bounded, oldest
// out). The organisation itself comes from the organisations cache (organisations-cache.ts),
// which drops it the moment it changes, here or on another replica, and reads it again after its
// TTL. Until the first lookup of an account, and for unknown accounts, the server's
// SESSION_IDLE_SECONDS applies.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { OrganisationsCache } from '../storage/postgres/organisations-cache.js';
import type { AdapterConstructor } from './adapter.js';

export interface SessionIdleLimits {
  /** the idle limit for this account's session, from what prepare() learned (the server's default before) */
  secondsFor(accountId: string | undefined): number;
  /** look the account's limit up (from memory when fresh) and answer it */
  prepare(accountId: string): Promise<number>;
}

export function createSessionIdleLimits(
  source: {
    /** the account's organisation (accounts.findById) */
    organisationOf(accountId: string): Promise<string | undefined>;
    organisations: OrganisationsCache;
  },
  opts: { defaultSeconds: number; maxAccounts?: number },
): SessionIdleLimits {
  const maxAccounts = opts.maxAccounts ?? 10_000;
  const organisationOf = new Map<string, string>();
  const seconds = (idle: number | null | undefined) => idle ?? opts.defaultSeconds;

  return {
    secondsFor(accountId) {
      const org = accountId === undefined ? undefined : organisationOf.get(accountId);
      // a stale organisation is still the best answer here; prepare() refreshes it
      return seconds(org === undefined ? undefined : source.organisations.peek(org)?.policy.sessionIdleSeconds);
    },
    async prepare(accountId) {
      let org = organisationOf.get(accountId);
      if (org === undefined) {
        org = await source.organisationOf(accountId);
        if (org === undefined) return opts.defaultSeconds;
        if (organisationOf.size >= maxAccounts) organisationOf.delete(organisationOf.keys().next().value!);
        organisationOf.set(accountId, org);
      }
      return seconds((await source.organisations.repo.findById(org))?.policy.sessionIdleSeconds);
    },
  };
}

/** The account a stored Session or Interaction is about (an Interaction's once the user has signed in). */
function accountOf(model: string, payload: AdapterPayload | undefined): string | undefined {
  if (!payload) return undefined;
  if (model === 'Session') return typeof payload.accountId === 'string' ? payload.accountId : undefined;
  if (model === 'Interaction') {
    const login = (payload.result as { login?: { accountId?: unknown } } | undefined)?.login;
    return typeof login?.accountId === 'string' ? login.accountId : undefined;
  }
  return undefined;
}

/** The adapter, learning the idle limit of every account whose Session or Interaction it reads. */
export function withSessionIdleLimits(Adapter: AdapterConstructor, limits: SessionIdleLimits): AdapterConstructor {
  return function SessionIdleAdapter(this: unknown, model: string) {
    const inner = new Adapter(model);
    if (model !== 'Session' && model !== 'Interaction') return inner;
    // oidc-provider's Adapter types find() as resolving to `AdapterPayload | undefined | void`
    const learn = async (found: Awaited<ReturnType<Adapter['find']>>) => {
      const payload = found ?? undefined;
      const accountId = accountOf(model, payload);
      if (accountId) await limits.prepare(accountId);
      return payload;
    };
    const adapter: Adapter = {
      ...inner,
      find: async (id) => learn(await inner.find(id)),
      findByUid: async (uid) => learn(await inner.findByUid(uid)),
    };
    return adapter;
  } as unknown as AdapterConstructor;
}
