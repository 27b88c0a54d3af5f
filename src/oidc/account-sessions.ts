// Ending an account's sessions from outside oidc-provider: "sign out everywhere" (a 2FA reset,
// "This wasn't me", an administrator) and "sign out other sessions" (My profile). The adapter
// indexes every session, grant and token by the account it belongs to (adapter.ts).
import type { ShortLivedStore } from '../storage/short-lived/store.js';
import { accountGrantsKey, accountSessionsKey, sessionRecordKey } from './adapter.js';

export interface AccountSessions {
  /** Delete every session and grant of the account: its tokens (refresh tokens included) are refused from then on. */
  endEverywhere(accountId: string): Promise<void>;
  /** Delete every session of the account but the one with this id (the cookie's); returns how many were live. */
  endOthers(accountId: string, keepSessionId: string): Promise<number>;
  /** How many sessions of the account are live. */
  count(accountId: string): Promise<number>;
}

export function createAccountSessions(store: ShortLivedStore): AccountSessions {
  async function live(accountId: string): Promise<string[]> {
    const keys = await store.setMembers(accountSessionsKey(accountId));
    const found = await Promise.all(keys.map(async (key) => ((await store.getRecord(key)) ? key : undefined)));
    return found.filter((k): k is string => k !== undefined);
  }
  return {
    async endEverywhere(accountId) {
      await store.deleteSetMembers(accountGrantsKey(accountId));
      await store.deleteSetMembers(accountSessionsKey(accountId));
    },
    async endOthers(accountId, keepSessionId) {
      const keep = sessionRecordKey(keepSessionId);
      const others = (await live(accountId)).filter((key) => key !== keep);
      if (others.length) await store.del(...others);
      return others.length;
    },
    async count(accountId) {
      return (await live(accountId)).length;
    },
  };
}
