// Each organisation may set its own idle limit for signed-in sessions (session_idle_seconds).
// oidc-provider asks for a session's lifetime synchronously (ttl.Session gets the session, not
// its organisation), so the limit must be known before it asks: the adapter calls prepare() for
// the account of every Session and Interaction it reads (withSessionIdleLimits), which is always
// before oidc-provider saves that session, and secondsFor() then answers from memory.
//
// Accounts never change organisation, so account → organisation is kept for good (bounded, oldest
// out). An organisation's limit is dropped the moment its policy changes, in this process
// (the repository's onChange) or another replica (Postgres NOTIFY); after ttlMs it is read again
// anyway, as a safety net for a missed notification. Until the first lookup of an account, and
// for unknown accounts, the server's SESSION_IDLE_SECONDS applies.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { AdapterConstructor } from './adapter.js';

export interface SessionIdleSource {
  sessionIdleOf(accountId: string): Promise<{ organisationId: string; sessionIdleSeconds: number | null } | undefined>;
}

export interface SessionIdleLimits {
  /** the idle limit for this account's session, from what prepare() learned (the server's default before) */
  secondsFor(accountId: string | undefined): number;
  /** look the account's limit up (from memory when fresh) and answer it */
  prepare(accountId: string): Promise<number>;
  /** forget one organisation's limit, or every one (the notification connection was lost) */
  invalidate(organisationId?: string): void;
}

export function createSessionIdleLimits(
  source: SessionIdleSource,
  opts: { defaultSeconds: number; ttlMs: number; now: () => number; maxAccounts?: number },
): SessionIdleLimits {
  const maxAccounts = opts.maxAccounts ?? 10_000;
  const organisationOf = new Map<string, string>();
  const limits = new Map<string, { seconds: number | null; at: number }>();
  // bumped by every invalidation: a lookup that started before one must not store its answer
  let generation = 0;

  const known = (accountId: string) => {
    const org = organisationOf.get(accountId);
    return org === undefined ? undefined : limits.get(org);
  };

  return {
    secondsFor(accountId) {
      if (accountId === undefined) return opts.defaultSeconds;
      // a stale entry is still the best answer here; prepare() refreshes it
      return known(accountId)?.seconds ?? opts.defaultSeconds;
    },
    async prepare(accountId) {
      const hit = known(accountId);
      if (hit && opts.now() - hit.at < opts.ttlMs) return hit.seconds ?? opts.defaultSeconds;
      const started = generation;
      const found = await source.sessionIdleOf(accountId);
      if (!found) return opts.defaultSeconds;
      if (!organisationOf.has(accountId) && organisationOf.size >= maxAccounts) organisationOf.delete(organisationOf.keys().next().value!);
      organisationOf.set(accountId, found.organisationId);
      if (started === generation) limits.set(found.organisationId, { seconds: found.sessionIdleSeconds, at: opts.now() });
      return found.sessionIdleSeconds ?? opts.defaultSeconds;
    },
    invalidate(organisationId) {
      generation++;
      if (organisationId === undefined) limits.clear();
      else limits.delete(organisationId);
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
    const learn = async (payload: AdapterPayload | undefined | void) => {
      const accountId = accountOf(model, payload ?? undefined);
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
