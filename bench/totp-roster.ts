// Which TOTP user signs in next. The server accepts a time step once per factor (replay
// protection), so one user can sign in with the authenticator app at most once per 30-second
// step. The users wait in a queue in the order they were given back; a sign-in takes the first
// one and, if it has already used the current step (too few users for the rate), waits for the
// next step. Waits are counted and reported: a window with waits measured the roster, not the
// server. A user taken is nobody else's until given back, so two sign-ins never share one.
import { setTimeout as sleep } from 'node:timers/promises';

export const totpPeriodSeconds = 30;

/** The RFC 6238 time step of a Unix time in milliseconds. */
export const stepAt = (ms: number) => Math.floor(ms / 1000 / totpPeriodSeconds);

interface Entry<U> {
  user: U;
  /** the last step this user's code was (or may have been) sent for; -1 before the first */
  lastStep: number;
}

export function totpRoster<U>(users: U[], now: () => number = Date.now) {
  const queue: Array<Entry<U>> = users.map((user) => ({ user, lastStep: -1 }));
  const stats = { taken: 0, waits: 0, waitedMs: 0 };

  return {
    stats,
    users: users.length,
    async take(): Promise<Entry<U>> {
      const entry = queue.shift();
      if (!entry) throw new Error('TOTP roster: every user is busy (more workers than users)');
      stats.taken++;
      // one wait at most: once the next step has begun, lastStep is behind it
      if (entry.lastStep >= stepAt(now())) {
        const ms = (entry.lastStep + 1) * totpPeriodSeconds * 1000 - now() + 5;
        stats.waits++;
        stats.waitedMs += ms;
        await sleep(ms);
      }
      return entry;
    },
    /** Give a user back with the step its code was made for; without one (a failure), the current step. */
    give(entry: Entry<U>, usedStep?: number): void {
      entry.lastStep = Math.max(entry.lastStep, usedStep ?? stepAt(now()));
      queue.push(entry);
    },
  };
}

export type TotpRoster<U> = ReturnType<typeof totpRoster<U>>;
