// Ending an account's sessions from outside oidc-provider: "sign out everywhere" (a 2FA reset,
// "This wasn't me", an administrator) and "sign out other sessions" (My profile). The adapter
// indexes every session, grant and token by the account it belongs to (adapter.ts).
import type { ShortLivedStore } from '../storage/short-lived/store.js';
import { accountGrantsKey, accountSessionsKey, sessionRecordKey } from './adapter.js';
import { appsOfSession, type SessionApp } from './backchannel-logout.js';

export interface AccountSessions {
  /** Delete every session and grant of the account: its tokens (refresh tokens included) are refused from then on. */
  endEverywhere(accountId: string): Promise<void>;
  /** Delete every session of the account but the one with this id (the cookie's); returns how many were live. */
  endOthers(accountId: string, keepSessionId: string): Promise<number>;
  /** How many sessions of the account are live. */
  count(accountId: string): Promise<number>;
}

/**
 * `onEnded` hears of the apps each ended session had signed in (back-channel-logout.ts tells
 * them), after the sessions are gone.
 */
export function createAccountSessions(store: ShortLivedStore, onEnded?: (accountId: string, apps: SessionApp[], why: string) => void): AccountSessions {
  /** the account's live sessions: store key and the apps each signed in */
  async function live(accountId: string): Promise<Array<{ key: string; apps: SessionApp[] }>> {
    const keys = await store.setMembers(accountSessionsKey(accountId));
    const found = await Promise.all(keys.map(async (key) => ({ key, record: await store.getRecord(key) })));
    return found.flatMap(({ key, record }) => (record ? [{ key, apps: appsOfSession(record.value) }] : []));
  }
  return {
    async endEverywhere(accountId) {
      const sessions = onEnded ? await live(accountId) : [];
      await store.deleteSetMembers(accountGrantsKey(accountId));
      await store.deleteSetMembers(accountSessionsKey(accountId));
      onEnded?.(
        accountId,
        sessions.flatMap((s) => s.apps),
        'signed_out_everywhere',
      );
    },
    async endOthers(accountId, keepSessionId) {
      const keep = sessionRecordKey(keepSessionId);
      const others = (await live(accountId)).filter((s) => s.key !== keep);
      if (others.length) await store.del(...others.map((s) => s.key));
      onEnded?.(
        accountId,
        others.flatMap((s) => s.apps),
        'signed_out_other_sessions',
      );
      return others.length;
    },
    async count(accountId) {
      return (await live(accountId)).length;
    },
  };
}
