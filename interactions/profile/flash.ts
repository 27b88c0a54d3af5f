// One-time messages for the next profile page (post/redirect/get), per sign-in session.
import type { ShortLivedStore } from '../../src/storage/short-lived/store.js';

export function profileFlash(store: ShortLivedStore, sessionUid: string) {
  const key = `profile-flash:${sessionUid}`;
  return {
    set: (message: string) => store.set(key, message, 300),
    take: () => store.take(key),
  };
}
